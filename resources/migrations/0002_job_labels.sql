-- 0002: a job's labels as rows, so a label filter on the job list walks an index newest-first instead
-- of reading every job's document. Labels never change after submit.
CREATE TABLE job_labels (
  workspace_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  job_id TEXT NOT NULL,
  PRIMARY KEY (workspace_id, key, value, job_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO job_labels(workspace_id, key, value, job_id)
  SELECT j.workspace_id, l.key, l.value, j.id FROM jobs j, json_each(j.doc, '$.labels') l WHERE l.type = 'text';
