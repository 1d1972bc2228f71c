-- 0004: technological-upgrade projects, their workflow, energy reviews, the land-use quota ledger, policy
-- applications with awards and disbursements, and banks' loan products.
-- Money is integer fen; energy (tce, kWh) and land (mu) are fixed-point x 10^4; dates are ISO text.
-- The quota ledger is append-only: balances are SUM(delta) per (city, year, account[, project]).

CREATE TABLE project (
  id {{ID}},
  uscc TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  city INTEGER NOT NULL,
  district INTEGER,
  filing_code TEXT NOT NULL UNIQUE,
  filing_date TEXT NOT NULL,
  planned_start TEXT NOT NULL,
  planned_completion TEXT NOT NULL,
  total_investment BIGINT NOT NULL,
  equipment_investment BIGINT NOT NULL,
  energy_tce BIGINT NOT NULL,
  energy_kwh BIGINT NOT NULL,
  land_mu BIGINT NOT NULL,
  energy_tier INTEGER NOT NULL,
  green INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  state_since TEXT NOT NULL,
  deadline TEXT,                 -- NULL: no deadline in this state
  bank_id TEXT,
  loan_product_id BIGINT,
  loan_principal BIGINT NOT NULL DEFAULT 0,
  created TEXT NOT NULL
);
CREATE INDEX project_uscc ON project(uscc);
CREATE INDEX project_city_state ON project(city, state);
CREATE INDEX project_deadline ON project(deadline);
CREATE INDEX project_bank ON project(bank_id);

CREATE TABLE project_equipment (
  project_id BIGINT NOT NULL REFERENCES project(id),
  seq INTEGER NOT NULL,
  item TEXT NOT NULL,
  category TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  unit_price BIGINT NOT NULL,
  imported INTEGER NOT NULL,
  PRIMARY KEY (project_id, seq)
);

CREATE TABLE project_attachment (
  project_id BIGINT NOT NULL REFERENCES project(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (project_id, seq)
);

-- Every workflow step, with who took it and the comment.
CREATE TABLE project_event (
  id {{ID}},
  project_id BIGINT NOT NULL REFERENCES project(id),
  day TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  action TEXT NOT NULL,
  role TEXT NOT NULL,
  actor TEXT NOT NULL,
  comment TEXT NOT NULL
);
CREATE INDEX project_event_project ON project_event(project_id, id);

CREATE TABLE energy_review (
  id {{ID}},
  project_id BIGINT NOT NULL REFERENCES project(id),
  tier INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  reviewer TEXT NOT NULL,
  comment TEXT NOT NULL,
  day TEXT NOT NULL
);
CREATE INDEX energy_review_project ON energy_review(project_id, id);

CREATE TABLE quota_advance (
  id {{ID}},
  city INTEGER NOT NULL,
  year INTEGER NOT NULL,
  mu BIGINT NOT NULL,
  status TEXT NOT NULL,          -- requested | approved | rejected | settled
  settled BIGINT NOT NULL DEFAULT 0,
  requested_by TEXT NOT NULL,
  decided_by TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  day TEXT NOT NULL
);
CREATE INDEX quota_advance_city ON quota_advance(city, year, status);

CREATE TABLE quota_entry (
  id {{ID}},
  city INTEGER NOT NULL,
  year INTEGER NOT NULL,
  account TEXT NOT NULL,         -- available | reserved | used | owed
  kind TEXT NOT NULL,            -- allocate | reserve | use | release | advance | settle
  delta BIGINT NOT NULL,
  project_id BIGINT REFERENCES project(id),
  advance_id BIGINT REFERENCES quota_advance(id),
  actor TEXT NOT NULL,
  note TEXT NOT NULL,
  day TEXT NOT NULL
);
CREATE INDEX quota_entry_balance ON quota_entry(city, year, account, project_id);

CREATE TABLE application (
  id {{ID}},
  project_id BIGINT NOT NULL REFERENCES project(id),
  uscc TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  policy_group TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  applied_on TEXT NOT NULL,
  computed BIGINT NOT NULL,
  awarded BIGINT NOT NULL,
  paid BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL,          -- computed | adjusted | withdrawn
  adjust_reason TEXT NOT NULL DEFAULT '',
  adjusted_by TEXT NOT NULL DEFAULT '',
  explanation TEXT NOT NULL,
  UNIQUE (project_id, policy_id)
);
CREATE INDEX application_uscc ON application(uscc, policy_id);

CREATE TABLE disbursement (
  id {{ID}},
  application_id BIGINT NOT NULL REFERENCES application(id),
  amount BIGINT NOT NULL,
  reference TEXT NOT NULL,
  actor TEXT NOT NULL,
  day TEXT NOT NULL
);

CREATE TABLE loan_product (
  id {{ID}},
  bank_id TEXT NOT NULL,
  name TEXT NOT NULL,
  rate_bp INTEGER NOT NULL,
  term_months INTEGER NOT NULL,
  min_amount BIGINT NOT NULL,
  max_amount BIGINT NOT NULL,
  eligibility TEXT NOT NULL
);
CREATE INDEX loan_product_bank ON loan_product(bank_id);
