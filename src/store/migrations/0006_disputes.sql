-- 0006: data disputes (and an index for the push funnel, at the end) ("this value is wrong"): an enterprise user proposes a corrected value of one attribute;
-- an official accepts it (the value is written with source "dispute") or rejects it. Few rows; listed by status
-- (officials' queue) and by enterprise.

CREATE TABLE dispute (
  id {{ID}},
  ent_id BIGINT NOT NULL,
  city INTEGER NOT NULL,              -- the enterprise's city when the dispute was opened (officials' scope)
  attribute TEXT NOT NULL,
  current_value TEXT NOT NULL,        -- "" when the value was missing
  proposed_value TEXT NOT NULL,
  comment TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
  created_by TEXT NOT NULL,
  resolved_by TEXT,
  resolution_comment TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX dispute_ent ON dispute (ent_id, id);
CREATE INDEX dispute_status ON dispute (status, city, id);

-- The funnel of a campaign counts its inbox states (GET /api/v1/policies/{id}/funnel): without this index that
-- count scans every state row of every enterprise.
CREATE INDEX push_state_ref ON push_state (source, ref_id, state);
