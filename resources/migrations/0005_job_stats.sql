-- 0005: finished jobs by workspace, state and finish time (a finished job's updated_at is its finish), so
-- the dashboard's last hour and its latest failures read only those rows, whatever the number of jobs.
CREATE INDEX jobs_finished ON jobs(workspace_id, state, updated_at) WHERE state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED');
