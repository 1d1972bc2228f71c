-- 0003: policies (versions by effective date, lifecycle) and push (campaigns, inbox states, channels,
-- delivery cursors, dead letters, preferences, grant lists, subscriptions).
-- Portable SQL; {{ID}} and {{BLOB}} are replaced by the backend. Money is integer fen; dates are ISO text.

-- One row per policy; status follows the transition table of src/app/policy.c.
CREATE TABLE policy (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,     -- stable key chosen by the author ("gd-2023-equipment-reward")
  status TEXT NOT NULL,          -- draft | preview | published | revised | withdrawn | expired
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Versions: version 1 is the first text; a revision of a published policy adds the next version with the date it
-- takes effect. "As of D" = the published version with the greatest effective_from <= D. doc is the whole policy
-- as one JSON document (docs/policies.md); the other columns are copies of it for listing and filtering.
CREATE TABLE policy_version (
  policy_id BIGINT NOT NULL REFERENCES policy(id),
  version INTEGER NOT NULL,
  effective_from TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 0,
  category TEXT NOT NULL,
  department TEXT NOT NULL,
  mode TEXT NOT NULL,            -- apply | no_application
  title_zh TEXT NOT NULL,
  title_en TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (policy_id, version)
);

-- A push campaign: the recipients of one publication (or revision, reminder) as ONE portable CRoaring bitmap.
-- idem_key makes recording a campaign idempotent ("publish:<policy>:<version>").
CREATE TABLE push_campaign (
  id {{ID}},
  policy_id BIGINT NOT NULL REFERENCES policy(id),
  version INTEGER NOT NULL,
  kind TEXT NOT NULL,            -- publish | revision | reminder
  idem_key TEXT NOT NULL UNIQUE,
  recipients {{BLOB}} NOT NULL,
  recipient_count BIGINT NOT NULL,
  created_at TEXT NOT NULL
);

-- Items addressed to one enterprise (continuous matching: newly qualified, near miss).
CREATE TABLE push_item (
  id {{ID}},
  ent_id BIGINT NOT NULL,
  policy_id BIGINT NOT NULL REFERENCES policy(id),
  kind TEXT NOT NULL,            -- qualified | near_miss
  detail TEXT NOT NULL DEFAULT '',
  idem_key TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX push_item_ent ON push_item (ent_id);

-- Inbox states, stored only where set (no row = unread). source: c = campaign, i = item.
CREATE TABLE push_state (
  ent_id BIGINT NOT NULL,
  source TEXT NOT NULL,
  ref_id BIGINT NOT NULL,
  state TEXT NOT NULL,           -- read | dismissed | not_relevant
  at TEXT NOT NULL,
  PRIMARY KEY (ent_id, source, ref_id)
);

-- Outbound channels (webhook gateways; SMTP relays for e-mail digests). Campaigns after since_campaign are
-- delivered.
CREATE TABLE push_channel (
  id {{ID}},
  kind TEXT NOT NULL,            -- webhook | email
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,          -- webhook: the HMAC key; email: "user:password" for SMTP AUTH or ''
  sender TEXT NOT NULL DEFAULT '', -- email: the From address
  max_attempts INTEGER NOT NULL,
  backoff_ms BIGINT NOT NULL,
  batch INTEGER NOT NULL,
  since_campaign BIGINT NOT NULL,
  created_at TEXT NOT NULL
);

-- Delivery cursor per campaign and channel: the rank (position in the bitmap) of the next recipient to send,
-- the attempts made at it and when to try next. A batch's idempotency key is campaign:channel:rank.
CREATE TABLE push_cursor (
  campaign_id BIGINT NOT NULL REFERENCES push_campaign(id),
  channel_id BIGINT NOT NULL REFERENCES push_channel(id),
  next_rank BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at_ms BIGINT NOT NULL,
  done INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, channel_id)
);

-- Batches given up after max_attempts failures.
CREATE TABLE push_dead (
  id {{ID}},
  campaign_id BIGINT NOT NULL,
  channel_id BIGINT NOT NULL,
  first_rank BIGINT NOT NULL,
  rank_count BIGINT NOT NULL,
  idem_key TEXT NOT NULL UNIQUE,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  at TEXT NOT NULL
);

-- Per-enterprise preferences, only where set (no row = all channels on, no cap).
CREATE TABLE push_pref (
  ent_id BIGINT NOT NULL,
  channel_kind TEXT NOT NULL,    -- webhook | email
  enabled INTEGER NOT NULL,
  address TEXT NOT NULL DEFAULT '',  -- e-mail address for digests
  digest TEXT NOT NULL DEFAULT '',   -- daily | weekly (email)
  max_per_week INTEGER NOT NULL DEFAULT 0, -- 0 = no cap
  sent_week TEXT NOT NULL DEFAULT '',  -- ISO date of the Monday of the week counted
  sent_count INTEGER NOT NULL DEFAULT 0,
  last_digest TEXT NOT NULL DEFAULT '', -- when the last e-mail digest was sent (ISO timestamp)
  PRIMARY KEY (ent_id, channel_kind)
);

-- 免申即享 grant lists: generated from the eligible set, reviewed and approved by an official.
CREATE TABLE grant_list (
  id {{ID}},
  policy_id BIGINT NOT NULL REFERENCES policy(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL,          -- generated | approved | rejected
  created_at TEXT NOT NULL,
  reviewed_by TEXT NOT NULL DEFAULT '',
  reviewed_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE grant_item (
  list_id BIGINT NOT NULL REFERENCES grant_list(id),
  ent_id BIGINT NOT NULL,
  benefit_fen BIGINT NOT NULL,
  excluded TEXT NOT NULL DEFAULT '', -- why the enterprise gets nothing (non-combinable group, cap reached)
  PRIMARY KEY (list_id, ent_id)
);

-- Subscriptions to the public policy library and the alerts they produced.
CREATE TABLE subscription (
  id {{ID}},
  owner TEXT NOT NULL,           -- enterprise id or user name
  keywords TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE subscription_alert (
  subscription_id BIGINT NOT NULL REFERENCES subscription(id),
  policy_id BIGINT NOT NULL REFERENCES policy(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (subscription_id, policy_id)
);
