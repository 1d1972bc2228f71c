-- 0002: accounts (users with a role and a scope), credentials (login sessions and API keys, stored only as
-- BLAKE2b-256 hashes of the secret) and the append-only, hash-chained audit trail.
-- Timestamps are ISO-8601 UTC text ("2026-11-27T18:00:00Z") so that text order is time order.

CREATE TABLE app_user (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,            -- enterprise | city_official | provincial_official | bank_officer | auditor | admin
  scope TEXT NOT NULL DEFAULT '',-- USCC, city code or bank id, by role; '' for unscoped roles
  pw_hash TEXT NOT NULL,         -- Argon2id string (libsodium crypto_pwhash_str)
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE credential (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES app_user(id),
  kind TEXT NOT NULL,            -- session | key
  name TEXT NOT NULL DEFAULT '', -- API keys: the owner's label
  token_hash {{BLOB}} NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX credential_user ON credential (user_id, kind);

-- One row per write. hash = BLAKE2b-256 over the previous row's hash and this row's fields (see src/app/audit.c);
-- rows are never updated or deleted, so `techup audit verify` can find any edit or removal.
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,         -- 1, 2, 3 ... without gaps
  ts TEXT NOT NULL,
  actor_id BIGINT NOT NULL,      -- 0 = the CLI / the system
  actor TEXT NOT NULL,
  action TEXT NOT NULL,          -- "user.create", "session.create", ...
  target TEXT NOT NULL,          -- "user:12"
  before_hash TEXT NOT NULL,     -- hex BLAKE2b-256 of the canonical JSON before ('' = none)
  after_hash TEXT NOT NULL,
  request_id TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
