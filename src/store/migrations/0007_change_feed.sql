-- 0007: the enterprise change feed, read by every server node to keep its match index and inboxes in step with
-- writes made by other processes (a `techup import`, another node). See src/store/change.h.

-- One row per write transaction's set of changed enterprises (an import batch of up to 50,000 ids, one PATCH):
-- ids is a compressed bitmap of the enterprise ids, written by the writer in the same transaction as the rows.
-- seq increases in commit order (SQLite serialises writers; a PostgreSQL backend must take a lock on this table
-- before inserting, so that a reader never sees seq N+1 committed before seq N).
CREATE TABLE enterprise_change (
  seq {{ID}},
  origin BIGINT NOT NULL,        -- the writing process (random per process): a node skips its own changes
  n BIGINT NOT NULL,             -- how many ids
  ids {{BLOB}} NOT NULL,         -- portable Roaring bitmap (encoded and decoded above the store)
  created_at TEXT NOT NULL
);

-- How far each follower (a server node, by name) has applied the feed, advanced after its inbox items are written.
CREATE TABLE change_cursor (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
