-- 0001: the enterprise registry.
-- Portable SQL for SQLite and PostgreSQL; {{ID}} is the backend's auto-increment primary key and {{BLOB}} its
-- binary type (replaced when the migration is applied). Money and decimals are fixed-point integers
-- (see src/core/num.h); dates are ISO text; tags are ';'-separated catalog names.

-- Where values came from: one row per import file, API write, dispute resolution or generator run.
CREATE TABLE source (
  id {{ID}},
  kind TEXT NOT NULL,            -- import | api | dispute | gen
  name TEXT NOT NULL,            -- file name, user, ...
  as_of TEXT NOT NULL,           -- the date the values describe (YYYY-MM-DD)
  created_at TEXT NOT NULL
);

-- One row per enterprise. id is dense and never reused: it is the enterprise's bit in the match index
-- (enterprises are never deleted; a closed one keeps its row).
CREATE TABLE enterprise (
  id {{ID}},
  uscc TEXT NOT NULL,
  name TEXT NOT NULL,
  city INTEGER NOT NULL,
  district INTEGER,
  industry TEXT,
  size TEXT,                     -- the size class as given; NULL = derived from employees and revenue
  revenue BIGINT,                -- 万元 x 10^4
  employees BIGINT,
  founded TEXT,
  rd_ratio BIGINT,               -- % x 10^4
  energy_tce BIGINT,             -- tce x 10^4
  tags TEXT NOT NULL DEFAULT '',
  source_id BIGINT NOT NULL REFERENCES source(id) -- the last write; its created_at says when
);
-- A separate index (not an inline UNIQUE) so that a bulk load into an empty registry can drop it and build it once
-- at the end, which is several times faster than inserting millions of random keys (see tu_store_ent_bulk_begin).
CREATE UNIQUE INDEX enterprise_uscc ON enterprise (uscc);

-- A value whose source differs from its row's source (an API correction, a resolved dispute). An upsert of the
-- whole row (an import) replaces every value and so drops the row's overrides.
CREATE TABLE enterprise_value_source (
  enterprise_id BIGINT NOT NULL REFERENCES enterprise(id),
  attr TEXT NOT NULL,
  source_id BIGINT NOT NULL REFERENCES source(id),
  PRIMARY KEY (enterprise_id, attr)
);

-- Progress of one CSV import, advanced in the same transaction as each batch, so a re-run after a crash
-- resumes after the last committed batch. A file is identified by its path, size and modification time.
CREATE TABLE import_run (
  id {{ID}},
  source_id BIGINT NOT NULL REFERENCES source(id),
  path TEXT NOT NULL,
  file_size BIGINT NOT NULL,
  file_mtime BIGINT NOT NULL,
  rows_done BIGINT NOT NULL,     -- data rows (after the header) fully handled, imported or rejected
  rejected BIGINT NOT NULL,
  finished INTEGER NOT NULL,     -- 0 while running or interrupted, 1 when complete
  started_at TEXT NOT NULL
);
CREATE INDEX import_run_file ON import_run (path, file_size, file_mtime);
