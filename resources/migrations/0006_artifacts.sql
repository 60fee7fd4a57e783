-- 0006: artifacts, the files a job's run left behind (collected by its agent). The bytes live in
-- <data-dir>/artifacts/<job_id>/<id>; a row is complete once the whole file arrived and its sha256 matched.
CREATE TABLE artifacts (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX artifacts_by_job ON artifacts(job_id, attempt, name);
CREATE INDEX artifacts_by_age ON artifacts(created_at);
