-- 0009 (schedules): a schedule's definition as a JSON document; its firing record in columns of their own,
-- written in the same transaction as the job a slot created, so a slot is fired once across restarts.
CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_slot INTEGER NOT NULL DEFAULT 0,
  last_job_id TEXT NOT NULL DEFAULT '',
  last_outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX schedules_workspace ON schedules(workspace_id, created_at);
