-- 0004: the audit log, hash-chained per workspace (each entry holds the hash of the one before it in its
-- workspace), and each chain's head, updated in the same transaction as every insert so a deleted tail
-- is detectable too. workspace_id is '' for events that belong to no workspace (a failed login).
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_workspace ON audit_log(workspace_id, seq);
CREATE INDEX audit_by_actor ON audit_log(workspace_id, actor, seq);
CREATE INDEX audit_by_action ON audit_log(workspace_id, action, seq);
CREATE INDEX audit_by_subject ON audit_log(workspace_id, subject, seq);
CREATE TABLE audit_heads (
  workspace_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  count INTEGER NOT NULL
) WITHOUT ROWID;
