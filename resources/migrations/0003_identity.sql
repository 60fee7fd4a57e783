-- 0003: people and their credentials: active users, workspace metadata and plan, invitations of emails
-- not yet registered, key expiry/last use/quotas, rotating refresh-token families and one-time login codes.
ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workspaces ADD COLUMN default_region TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN plan TEXT NOT NULL DEFAULT 'hobby';
ALTER TABLE workspaces ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE workspaces SET updated_at = created_at;
ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
ALTER TABLE api_keys ADD COLUMN max_jobs_per_hour INTEGER;
ALTER TABLE api_keys ADD COLUMN max_concurrent_jobs INTEGER;
ALTER TABLE api_keys ADD COLUMN allowed_job_types TEXT;
CREATE INDEX api_keys_by_workspace ON api_keys(workspace_id, created_at);
CREATE INDEX members_by_user ON members(user_id, created_at);
CREATE TABLE invitations (
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  email TEXT NOT NULL,
  role TEXT NOT NULL,
  invited_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, email)
);
CREATE INDEX invitations_by_email ON invitations(email);
CREATE TABLE refresh_tokens (
  hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
CREATE TABLE otp_codes (
  email TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
