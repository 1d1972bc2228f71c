-- 0005: full-text search over policies (SQLite FTS5, trigram tokenizer: substrings of 3+ characters match, so
-- Chinese works without a word segmenter), and the date a policy was first published (for sorting the library).
-- One FTS row per policy (rowid = policy id) holding its displayed version: the highest published version, or the
-- highest version while none is published. Triggers keep it in step with every write of policy_version; existing
-- rows are backfilled below.

CREATE VIRTUAL TABLE policy_fts USING fts5(title, summary, body, doc_number, department, tokenize = 'trigram');

-- The searchable text of each policy's displayed version.
CREATE VIEW policy_fts_source (policy_id, title, summary, body, doc_number, department) AS
  SELECT v.policy_id, v.title_zh || ' ' || v.title_en,
         coalesce(json_extract(v.doc, '$.summary.zh'), '') || ' ' || coalesce(json_extract(v.doc, '$.summary.en'), ''),
         coalesce(json_extract(v.doc, '$.full_text'), '') || ' ' ||
           coalesce((SELECT group_concat(value, ' ') FROM json_each(v.doc, '$.keywords')), ''),
         coalesce(json_extract(v.doc, '$.doc_number'), ''), v.department
  FROM policy_version v
  WHERE v.version = (SELECT w.version FROM policy_version w WHERE w.policy_id = v.policy_id
                     ORDER BY w.published DESC, w.version DESC LIMIT 1);

CREATE TRIGGER policy_fts_ai AFTER INSERT ON policy_version BEGIN
  DELETE FROM policy_fts WHERE rowid = NEW.policy_id;
  INSERT INTO policy_fts (rowid, title, summary, body, doc_number, department)
    SELECT * FROM policy_fts_source WHERE policy_id = NEW.policy_id;
END;
CREATE TRIGGER policy_fts_au AFTER UPDATE ON policy_version BEGIN
  DELETE FROM policy_fts WHERE rowid = NEW.policy_id;
  INSERT INTO policy_fts (rowid, title, summary, body, doc_number, department)
    SELECT * FROM policy_fts_source WHERE policy_id = NEW.policy_id;
END;

INSERT INTO policy_fts (rowid, title, summary, body, doc_number, department) SELECT * FROM policy_fts_source;

-- First publication time ('' = never published); set when the status first becomes "published".
ALTER TABLE policy ADD COLUMN published_at TEXT NOT NULL DEFAULT '';
UPDATE policy SET published_at = coalesce((SELECT min(created_at) FROM push_campaign c WHERE c.policy_id = policy.id),
                                          updated_at)
  WHERE status IN ('published', 'revised', 'withdrawn', 'expired');
CREATE TRIGGER policy_published_at AFTER UPDATE OF status ON policy
  WHEN NEW.status = 'published' AND OLD.published_at = '' BEGIN
  UPDATE policy SET published_at = NEW.updated_at WHERE id = NEW.id;
END;
