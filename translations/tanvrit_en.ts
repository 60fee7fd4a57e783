<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddNodeDialog</name>
    <message>
        <source>Add a node</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run this on the machine that should run jobs (with tanvrit-compute installed). The key registers it once; the agent then keeps a key of its own.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> day(s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Minting a key…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New &amp;key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copied. The key is not shown again once this window closes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Key expires after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Registering nodes needs an admin or owner of the workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not mint a key: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This control plane listens on %1, which other machines cannot reach: start it on an address they can (serve --listen 0.0.0.0:PORT), and use that address in the command.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Key %1 (revoke it on the Keys page once the node is registered).</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ArtifactList</name>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SHA-256</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Download…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Artifacts asked for: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the artifacts: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>None collected yet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save artifact</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Opened %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>Reading the audit log needs an admin or owner of the workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>user:…, key:…, node:…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>job.submit, key.create, …</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>an id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>2026-01-31T00:00:00Z</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ISO 8601 or epoch ms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>#</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>At</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hash</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Load &amp;more</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Verify chain</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Audit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not read the audit log: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n entr(ies) shown</source>
        <translation><numerusform>%n entr(ies) shown</numerusform><numerusform>%n entr(ies) shown</numerusform></translation>
    </message>
    <message>
        <source>Could not verify: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>The chain is intact: %n entr(ies) checked</source>
        <translation><numerusform>The chain is intact: %n entr(ies) checked</numerusform><numerusform>The chain is intact: %n entr(ies) checked</numerusform></translation>
    </message>
    <message>
        <source>The chain breaks at entry #%1: %2 (%3 checked before it)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export the audit log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>An export is already running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The export stopped: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exporting… %1 page(s), %2 bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exported %1 bytes to %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ConsoleApp</name>
    <message>
        <source>Connecting to the local control plane…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Queue depth</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Agents online</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failure rate (1 h)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs by state</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Succeeded / min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed / min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failure rate %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs finished per minute (last hour)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Double-click a job to open it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recent failures</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not read the figures: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (%2 draining, %3 lost)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no GPU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 % (%2 of %3 busy)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Updated %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DrainDialog</name>
    <message>
        <source>Drain %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 finishes the jobs it runs and takes no new ones.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel the jobs still running after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Drain</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>EmbeddedBackend</name>
    <message>
        <source>Opening the store in %1…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting the local agent (detecting GPUs)…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>JobDetailPane</name>
    <message>
        <source>Select a job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel the job (Del, Ctrl+K)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start a new attempt of a failed, timed out or cancelled job (Ctrl+R)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Clone and edit…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open the submit dialog filled from this job (Ctrl+D)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open logs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Follow this job's log on the Logs page (Enter)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>At</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Arguments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Image</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Resources</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 CPU, %2 GiB, %3 GPU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 automatic</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Timeout</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Working dir</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runtime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CPU time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Peak memory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Agent lost</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n time(s)</source>
        <translation><numerusform>%n time</numerusform><numerusform>%n times</numerusform></translation>
    </message>
    <message>
        <source>Submitted by</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>waiting for a free agent slot</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Pending: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Asks for %1 CPU, %2 GiB memory, %3 GPU.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No agent is registered: add a node (Nodes page) or start the local agent.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (%2): %3 CPU and %4 GiB free, %5 of %6 slots busy, %7 GPU</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1</source>
        <translation><numerusform>Holds %n GPU on %1</numerusform><numerusform>Holds %n GPUs on %1</numerusform></translation>
    </message>
    <message>
        <source>#%1 %2, %3% busy, %4 of %5 MiB</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1. Its devices:</source>
        <translation><numerusform>Holds %n GPU on %1. Its devices:</numerusform><numerusform>Holds %n GPUs on %1. Its devices:</numerusform></translation>
    </message>
    <message>
        <source>Only an admin may cancel or retry another person's job</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>JobLogPane</name>
    <message>
        <source>Timestamps</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jump to end</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter (regular expression)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt whose log is shown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Find next</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Find previous</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save log…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show timestamps</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel saving</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Previous</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Follow new lines again (%1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filtering %p%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No more matches for “%1”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reconnecting: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No job selected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 lines match</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 lines</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 dropped by the size cap</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>following</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saving %p%</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>ID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runtime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>JobsPage</name>
    <message>
        <source>All states</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>labels: gpu:a100 zone:eu</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter: job id, command, agent… (Ctrl+F)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New job…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Submit a job (N)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No jobs yet. Run one to see its output here.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run your first job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Prints this machine's name and GPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Clone and edit…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open logs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not load jobs: %1</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n job(s) loaded</source>
        <translation><numerusform>%n job loaded</numerusform><numerusform>%n jobs loaded</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n loaded job(s) match</source>
        <translation><numerusform>%1 of %n loaded job match</numerusform><numerusform>%1 of %n loaded jobs match</numerusform></translation>
    </message>
    <message>
        <source>(more as you scroll)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>KeysPage</name>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Prefix</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quotas</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job types</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Expires</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last used</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Revoked</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show revoked</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re&amp;voke</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>At most your own role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no limit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>any (or e.g. COMMAND, render)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> day(s)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Create key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs per hour</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Concurrent jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Expires after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Done</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The new key (shown only now):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Revoke key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API keys</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the keys: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1/h</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 at once</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Give the key a name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not create the key: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Key %1 created. Copy it now: it is not shown again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not revoke: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Key %1 revoked; it stopped working</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>LogSaver</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>— %1 lines dropped by the log size cap —</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 lines are too many to copy; use Save log… for the whole log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Loading lines to copy…</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Copied %n line(s)</source>
        <translation><numerusform>Copied %n line</numerusform><numerusform>Copied %n lines</numerusform></translation>
    </message>
</context>
<context>
    <name>LogsPage</name>
    <message>
        <source>Follow</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jump to end</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Running jobs: tick the ones to tail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job ids to follow (paste, separated by spaces or commas)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter (regular expression)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Running jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Find next</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Find previous</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Filter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refresh running jobs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n job(s)</source>
        <translation><numerusform>%n job</numerusform><numerusform>%n jobs</numerusform></translation>
    </message>
    <message>
        <source>%1 lines kept (the newest %2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 match</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Logs</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tanvrit Compute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Retry now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;h2&gt;Tanvrit Compute&lt;/h2&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Settings and profiles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;About Tanvrit Compute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>About Tanvrit Compute</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;Tanvrit Compute&lt;/b&gt; %1&lt;br&gt;A self-hostable compute-job platform.&lt;br&gt;Connected to: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The local control plane could not start: %1

Connect to another deployment in Settings (Ctrl+,).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting the local control plane…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not signed in. Choose a profile in Settings (Ctrl+,).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connection to %1 lost (%2). Reconnecting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 refused this console: %2. Check the profile in Settings.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 · %2 · %3 (%4)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>node</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 ended %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> (exit %1)</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n running job(s)</source>
        <translation><numerusform>%n running job</numerusform><numerusform>%n running jobs</numerusform></translation>
    </message>
    <message>
        <source>Tanvrit Compute: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tanvrit Compute (%1 running)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quit Tanvrit Compute?</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n job(s) run on this machine's agent. Quitting stops them.</source>
        <translation><numerusform>%n job runs on this machine's agent. Quitting stops them.</numerusform><numerusform>%n jobs run on this machine's agent. Quitting stops them.</numerusform></translation>
    </message>
</context>
<context>
    <name>MembersPage</name>
    <message>
        <source>Email</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>someone@example.com</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Invite</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Invite</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Set &amp;role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Selected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove member</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Needs an admin or owner of the workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Only an owner changes roles</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>An invitation keeps the role it was sent with: withdraw it and invite again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the members: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Give the email address to invite</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not invite %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is a member now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is invited: they become a member when they register</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not change the role: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Role set to %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not remove: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Removed; their keys in this workspace are revoked</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>NodesPage</name>
    <message>
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Drain…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Rotate key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Add a node…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job types</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CPU alloc / used / total</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Memory GiB alloc / used / total</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Load</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>GPU</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Utilisation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Held by</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Double-click a job to open it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Jobs on this node</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Nodes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the nodes: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> (deadline %1)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 / %2 / %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 held</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No node yet: "Add a node" shows the command that starts one.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation><numerusform>%n node</numerusform><numerusform>%n nodes</numerusform></translation>
    </message>
    <message>
        <source>Select a node to see its GPUs and jobs.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, version %3, isolation %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>free</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Needs an admin or owner of the workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a node first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not drain: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is draining</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove node</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove %1? Its key is revoked and its jobs are requeued or failed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not remove: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Node removed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not rotate the key: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 was asked to rotate its key; it fetches a new one itself and the old one stops working then.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PlaneHost</name>
    <message>
        <source>cannot create the data directory %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>cannot read the owner key %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>A profile needs a name of 1 to 64 characters other than "%1".</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server URL must look like https://compute.example.com or http://127.0.0.1:8080.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A sign-in profile needs the email address to sign in with.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The CA file %1 does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No OS keychain is available: secrets are kept in %1, readable by your user only.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The secret could not be saved in %1.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ScheduleDialog</name>
    <message>
        <source>New schedule</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Edit schedule %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>minute hour day-of-month month day-of-week, e.g. */15 9-17 * * MON-FRI</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A shell command, e.g. ./backup.sh --full</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Allow overlapping runs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Skip while the last run is active</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel the last run, then start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run once for missed slots</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Skip missed slots</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>C&amp;ron</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Co&amp;mmand</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>While a run is active</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>After downtime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Next runs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2 (here: %3)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SchedulesPage</name>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cron</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Next run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Slot</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;New schedule…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runs of the selected schedule (double-click opens the job)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Schedules</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Managing schedules needs the admin or owner role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the schedules: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the runs: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Schedule saved</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not change the schedule: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Schedule %1 paused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Schedule %1 resumed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete schedule</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete the schedule %1? Its past runs stay.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not delete: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Schedule %1 deleted</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SecretsPage</name>
    <message>
        <source>Managing secrets needs an admin or owner of the workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>new vault name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Create &amp;vault</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete vault…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Vaults</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Set secret…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Rotate…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Values are write-only: they are never shown again. Jobs name a secret as vault/NAME and receive it as the environment variable NAME.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Secrets</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not read the vaults: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not read the secrets: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Give the new vault a name.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not create the vault: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Vault %1 created.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete vault</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete vault %1 and all its secrets? Jobs that name them will fail.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not delete the vault: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Vault %1 deleted.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose or create a vault first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Set secret</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Rotate %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DB_PASSWORD</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>the value (never shown again)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A secret needs a name and a value.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not set %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 set (version %2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete secret</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delete secret %1? Jobs that name it will fail.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 deleted.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>API key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Email and password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>tnv_… (kept in the keychain; leave empty to keep the stored one)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>optional: a PEM file trusted besides the system's CAs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The embedded profile runs a control plane and an agent for this machine inside the console, with the owner's key. Nothing to configure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CA certificate (PEM)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server &amp;URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Authentication</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>API &amp;key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Email</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;CA file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;New profile</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save and c&amp;onnect</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>In use: &lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sign in to %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the password.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SubmitDialog</name>
    <message>
        <source>Submit a job</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Shell command (sh -c)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Program and arguments, one per line</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run as</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>echo hello from $(hostname)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>KEY=value, one a line</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Environment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>names of env entries to redact from logs, comma separated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Secrets</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>gpu=a100, zone=eu (the agent must carry each)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Labels</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>C&amp;PU cores</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> GiB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Memory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;GPUs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>T&amp;imeout</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>P&amp;riority</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Re&amp;tries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>default: a fresh directory per attempt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Working dir</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Submit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>give the program to run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>give a command to run</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>at most 64 KiB</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>write KEY=value: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>at most %1 entries</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is not an env entry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>write key=value: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>UiFormat</name>
    <message>
        <source>in %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>just now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 s ago</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 min ago</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 h ago</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 d ago</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>WebhooksPage</name>
    <message>
        <source>Webhooks are managed by admins and owners of the workspace.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last delivery</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Send &amp;test</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>R&amp;otate secret</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Response (ms)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempt</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Next retry</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Resend</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Deliveries of the selected webhook</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New webhook</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comma-separated: job.created, job.transitioned, job.terminal, agent.*, webhook.disabled, ping, or * for all</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;Create webhook</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Webhooks</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list the webhooks: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not read the deliveries: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not create the webhook: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Signing secret (shown only now):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Webhook for %1 created. Copy its signing secret now: it is not shown again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not send a test: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test event sent; its delivery appears below</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not rotate the secret: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New signing secret (shown only now):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Secret rotated; the previous one also signs deliveries for 24 hours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not enable: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Webhook enabled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not delete: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Webhook deleted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not resend: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delivery queued again</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>WorkspaceSwitcher</name>
    <message>
        <source>Workspace:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (an API key acts in its own workspace)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not list workspaces: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>