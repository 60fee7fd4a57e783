<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AddNodeDialog</name>
    <message>
        <source>Add a node</source>
        <translation>Knoten hinzufügen</translation>
    </message>
    <message>
        <source>Run this on the machine that should run jobs (with tanvrit-compute installed). The key registers it once; the agent then keeps a key of its own.</source>
        <translation>Führen Sie dies auf dem Rechner aus, der Jobs ausführen soll (mit installiertem tanvrit-compute). Der Schlüssel registriert ihn einmalig; danach behält der Agent einen eigenen Schlüssel.</translation>
    </message>
    <message>
        <source> day(s)</source>
        <translation> Tag(e)</translation>
    </message>
    <message>
        <source>Minting a key…</source>
        <translation>Schlüssel wird erzeugt …</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>New &amp;key</source>
        <translation>Neuer &amp;Schlüssel</translation>
    </message>
    <message>
        <source>Copied. The key is not shown again once this window closes.</source>
        <translation>Kopiert. Der Schlüssel wird nach dem Schließen dieses Fensters nicht mehr angezeigt.</translation>
    </message>
    <message>
        <source>Key expires after</source>
        <translation>Schlüssel läuft ab nach</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Registering nodes needs an admin or owner of the workspace.</source>
        <translation>Das Registrieren von Knoten erfordert einen Administrator oder Eigentümer des Arbeitsbereichs.</translation>
    </message>
    <message>
        <source>Could not mint a key: %1</source>
        <translation>Es konnte kein Schlüssel erzeugt werden: %1</translation>
    </message>
    <message>
        <source>This control plane listens on %1, which other machines cannot reach: start it on an address they can (serve --listen 0.0.0.0:PORT), and use that address in the command.</source>
        <translation>Diese Steuerungsebene lauscht auf %1, das andere Rechner nicht erreichen können: Starten Sie sie auf einer Adresse, die diese erreichen (serve --listen 0.0.0.0:PORT), und verwenden Sie diese Adresse im Befehl.</translation>
    </message>
    <message>
        <source>Key %1 (revoke it on the Keys page once the node is registered).</source>
        <translation>Schlüssel %1 (widerrufen Sie ihn auf der Seite „API-Schlüssel“, sobald der Knoten registriert ist).</translation>
    </message>
</context>
<context>
    <name>ArtifactList</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Download…</source>
        <translation>Herunterladen…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Artifacts asked for: %1</source>
        <translation>Angeforderte Artefakte: %1</translation>
    </message>
    <message>
        <source>Could not list the artifacts: %1</source>
        <translation>Die Artefakte konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>None collected yet.</source>
        <translation>Noch keine gesammelt.</translation>
    </message>
    <message>
        <source>Save artifact</source>
        <translation>Artefakt speichern</translation>
    </message>
    <message>
        <source>Download failed: %1</source>
        <translation>Herunterladen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gespeichert unter %1</translation>
    </message>
    <message>
        <source>Downloading %1…</source>
        <translation>%1 wird heruntergeladen…</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>Reading the audit log needs an admin or owner of the workspace.</source>
        <translation>Das Lesen des Audit-Logs erfordert einen Administrator oder Eigentümer des Arbeitsbereichs.</translation>
    </message>
    <message>
        <source>user:…, key:…, node:…</source>
        <translation>user:…, key:…, node:…</translation>
    </message>
    <message>
        <source>job.submit, key.create, …</source>
        <translation>job.submit, key.create, …</translation>
    </message>
    <message>
        <source>an id</source>
        <translation>eine ID</translation>
    </message>
    <message>
        <source>2026-01-31T00:00:00Z</source>
        <translation>2026-01-31T00:00:00Z</translation>
    </message>
    <message>
        <source>ISO 8601 or epoch ms</source>
        <translation>ISO 8601 oder Epoch-ms</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>&amp;Filtern</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>At</source>
        <translation>Zeitpunkt</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
    <message>
        <source>Load &amp;more</source>
        <translation>&amp;Mehr laden</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>E&amp;xportieren …</translation>
    </message>
    <message>
        <source>&amp;Verify chain</source>
        <translation>Kette &amp;prüfen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>Could not read the audit log: %1</source>
        <translation>Das Audit-Log konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n entr(ies) shown</source>
        <translation><numerusform>%n Eintrag angezeigt</numerusform><numerusform>%n Einträge angezeigt</numerusform></translation>
    </message>
    <message>
        <source>Could not verify: %1</source>
        <translation>Prüfung fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>The chain is intact: %n entr(ies) checked</source>
        <translation><numerusform>Die Kette ist intakt: %n Eintrag geprüft</numerusform><numerusform>Die Kette ist intakt: %n Einträge geprüft</numerusform></translation>
    </message>
    <message>
        <source>The chain breaks at entry #%1: %2 (%3 checked before it)</source>
        <translation>Die Kette bricht bei Eintrag #%1: %2 (%3 davor geprüft)</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Audit-Log exportieren</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>An export is already running</source>
        <translation>Es läuft bereits ein Export</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The export stopped: %1</source>
        <translation>Der Export brach ab: %1</translation>
    </message>
    <message>
        <source>Cannot write: %1</source>
        <translation>Schreiben nicht möglich: %1</translation>
    </message>
    <message>
        <source>Exporting… %1 page(s), %2 bytes</source>
        <translation>Wird exportiert … %1 Seite(n), %2 Bytes</translation>
    </message>
    <message>
        <source>Exported %1 bytes to %2</source>
        <translation>%1 Bytes nach %2 exportiert</translation>
    </message>
</context>
<context>
    <name>ConsoleApp</name>
    <message>
        <source>Connecting to the local control plane…</source>
        <translation>Verbindung mit der lokalen Steuerungsebene wird hergestellt …</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>Queue depth</source>
        <translation>Warteschlangenlänge</translation>
    </message>
    <message>
        <source>Agents online</source>
        <translation>Agenten online</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>GPU-Auslastung</translation>
    </message>
    <message>
        <source>Failure rate (1 h)</source>
        <translation>Fehlerquote (1 h)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <source>Jobs by state</source>
        <translation>Jobs nach Zustand</translation>
    </message>
    <message>
        <source>Succeeded / min</source>
        <translation>Erfolgreich / min</translation>
    </message>
    <message>
        <source>Failed / min</source>
        <translation>Fehlgeschlagen / min</translation>
    </message>
    <message>
        <source>Failure rate %</source>
        <translation>Fehlerquote %</translation>
    </message>
    <message>
        <source>Jobs finished per minute (last hour)</source>
        <translation>Beendete Jobs pro Minute (letzte Stunde)</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Double-click a job to open it</source>
        <translation>Doppelklicken Sie auf einen Job, um ihn zu öffnen</translation>
    </message>
    <message>
        <source>Recent failures</source>
        <translation>Letzte Fehlschläge</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>Could not read the figures: %1</source>
        <translation>Die Kennzahlen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 (%2 draining, %3 lost)</source>
        <translation>%1 (%2 im Drain, %3 verloren)</translation>
    </message>
    <message>
        <source>no GPU</source>
        <translation>keine GPU</translation>
    </message>
    <message>
        <source>%1 % (%2 of %3 busy)</source>
        <translation>%1 % (%2 von %3 belegt)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert um %1</translation>
    </message>
</context>
<context>
    <name>DrainDialog</name>
    <message>
        <source>Drain %1</source>
        <translation>%1 leeren (Drain)</translation>
    </message>
    <message>
        <source>%1 finishes the jobs it runs and takes no new ones.</source>
        <translation>%1 beendet die laufenden Jobs und nimmt keine neuen an.</translation>
    </message>
    <message>
        <source>Cancel the jobs still running after</source>
        <translation>Noch laufende Jobs abbrechen nach</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Drain</source>
        <translation>Leeren</translation>
    </message>
</context>
<context>
    <name>EmbeddedBackend</name>
    <message>
        <source>Opening the store in %1…</source>
        <translation>Der Speicher in %1 wird geöffnet …</translation>
    </message>
    <message>
        <source>Starting the local agent (detecting GPUs)…</source>
        <translation>Der lokale Agent wird gestartet (GPUs werden erkannt) …</translation>
    </message>
</context>
<context>
    <name>JobDetailPane</name>
    <message>
        <source>Select a job</source>
        <translation>Einen Job auswählen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the job (Del, Ctrl+K)</source>
        <translation>Den Job abbrechen (Entf, Strg+K)</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Start a new attempt of a failed, timed out or cancelled job (Ctrl+R)</source>
        <translation>Einen neuen Versuch eines fehlgeschlagenen, abgelaufenen oder abgebrochenen Jobs starten (Strg+R)</translation>
    </message>
    <message>
        <source>Clone and edit…</source>
        <translation>Klonen und bearbeiten …</translation>
    </message>
    <message>
        <source>Open the submit dialog filled from this job (Ctrl+D)</source>
        <translation>Den Übermittlungsdialog mit den Angaben dieses Jobs öffnen (Strg+D)</translation>
    </message>
    <message>
        <source>Open logs</source>
        <translation>Logs öffnen</translation>
    </message>
    <message>
        <source>Follow this job's log on the Logs page (Enter)</source>
        <translation>Das Log dieses Jobs auf der Seite „Logs“ verfolgen (Eingabetaste)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>At</source>
        <translation>Zeitpunkt</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>Ressourcen</translation>
    </message>
    <message>
        <source>%1 CPU, %2 GiB, %3 GPU</source>
        <translation>%1 CPU, %2 GiB, %3 GPU</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>%1 of %2 automatic</source>
        <translation>%1 von %2 automatisch</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>Working dir</source>
        <translation>Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>CPU time</source>
        <translation>CPU-Zeit</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Spitzenspeicher</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Agent lost</source>
        <translation>Agent verloren</translation>
    </message>
    <message numerus="yes">
        <source>%n time(s)</source>
        <translation><numerusform>%n Mal</numerusform><numerusform>%n Mal</numerusform></translation>
    </message>
    <message>
        <source>Submitted by</source>
        <translation>Übermittelt von</translation>
    </message>
    <message>
        <source>Attempt %1</source>
        <translation>Versuch %1</translation>
    </message>
    <message>
        <source>waiting for a free agent slot</source>
        <translation>wartet auf einen freien Platz bei einem Agenten</translation>
    </message>
    <message>
        <source>Pending: %1</source>
        <translation>Wartend: %1</translation>
    </message>
    <message>
        <source>Asks for %1 CPU, %2 GiB memory, %3 GPU.</source>
        <translation>Fordert %1 CPU, %2 GiB Speicher, %3 GPU an.</translation>
    </message>
    <message>
        <source>No agent is registered: add a node (Nodes page) or start the local agent.</source>
        <translation>Kein Agent ist registriert: Fügen Sie einen Knoten hinzu (Seite „Knoten“) oder starten Sie den lokalen Agenten.</translation>
    </message>
    <message>
        <source>%1 (%2): %3 CPU and %4 GiB free, %5 of %6 slots busy, %7 GPU</source>
        <translation>%1 (%2): %3 CPU und %4 GiB frei, %5 von %6 Plätzen belegt, %7 GPU</translation>
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1</source>
        <translation><numerusform>Belegt %n GPU auf %1</numerusform><numerusform>Belegt %n GPUs auf %1</numerusform></translation>
    </message>
    <message>
        <source>#%1 %2, %3% busy, %4 of %5 MiB</source>
        <translation>#%1 %2, %3 % ausgelastet, %4 von %5 MiB</translation>
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1. Its devices:</source>
        <translation><numerusform>Belegt %n GPU auf %1. Das Gerät:</numerusform><numerusform>Belegt %n GPUs auf %1. Die Geräte:</numerusform></translation>
    </message>
    <message>
        <source>Only an admin may cancel or retry another person's job</source>
        <translation>Nur ein Administrator darf den Job einer anderen Person abbrechen oder wiederholen</translation>
    </message>
</context>
<context>
    <name>JobLogPane</name>
    <message>
        <source>Timestamps</source>
        <translation>Zeitstempel</translation>
    </message>
    <message>
        <source>Jump to end</source>
        <translation>Zum Ende springen</translation>
    </message>
    <message>
        <source>Filter (regular expression)</source>
        <translation>Filter (regulärer Ausdruck)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Attempt whose log is shown</source>
        <translation>Versuch, dessen Log angezeigt wird</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>Weitersuchen</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>Rückwärts suchen</translation>
    </message>
    <message>
        <source>Save log…</source>
        <translation>Log speichern …</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Show timestamps</source>
        <translation>Zeitstempel anzeigen</translation>
    </message>
    <message>
        <source>Cancel saving</source>
        <translation>Speichern abbrechen</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorheriger</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächster</translation>
    </message>
    <message>
        <source>Follow new lines again (%1)</source>
        <translation>Neuen Zeilen wieder folgen (%1)</translation>
    </message>
    <message>
        <source>Filter: %1</source>
        <translation>Filter: %1</translation>
    </message>
    <message>
        <source>Filtering %p%</source>
        <translation>Wird gefiltert %p%</translation>
    </message>
    <message>
        <source>No more matches for “%1”</source>
        <translation>Keine weiteren Treffer für „%1“</translation>
    </message>
    <message>
        <source>Reconnecting: %1</source>
        <translation>Verbindung wird wiederhergestellt: %1</translation>
    </message>
    <message>
        <source>Attempt %1</source>
        <translation>Versuch %1</translation>
    </message>
    <message>
        <source>No job selected</source>
        <translation>Kein Job ausgewählt</translation>
    </message>
    <message>
        <source>%1 of %2 lines match</source>
        <translation>%1 von %2 Zeilen passen</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>%1 dropped by the size cap</source>
        <translation>%1 durch die Größengrenze verworfen</translation>
    </message>
    <message>
        <source>following</source>
        <translation>folgt</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>Log speichern</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>Log-Dateien (*.log *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Saving %p%</source>
        <translation>Wird gespeichert %p%</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gespeichert unter %1</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPUs</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
</context>
<context>
    <name>JobsPage</name>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>labels: gpu:a100 zone:eu</source>
        <translation>Labels: gpu:a100 zone:eu</translation>
    </message>
    <message>
        <source>Filter: job id, command, agent… (Ctrl+F)</source>
        <translation>Filter: Job-ID, Befehl, Agent … (Strg+F)</translation>
    </message>
    <message>
        <source>New job…</source>
        <translation>Neuer Job …</translation>
    </message>
    <message>
        <source>Submit a job (N)</source>
        <translation>Einen Job übermitteln (N)</translation>
    </message>
    <message>
        <source>No jobs yet. Run one to see its output here.</source>
        <translation>Noch keine Jobs. Starten Sie einen, um hier seine Ausgabe zu sehen.</translation>
    </message>
    <message>
        <source>Run your first job</source>
        <translation>Ihren ersten Job starten</translation>
    </message>
    <message>
        <source>Prints this machine's name and GPUs</source>
        <translation>Gibt den Namen und die GPUs dieses Rechners aus</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>Job abbrechen</translation>
    </message>
    <message>
        <source>Retry job</source>
        <translation>Job wiederholen</translation>
    </message>
    <message>
        <source>Clone and edit…</source>
        <translation>Klonen und bearbeiten …</translation>
    </message>
    <message>
        <source>Open logs</source>
        <translation>Logs öffnen</translation>
    </message>
    <message>
        <source>Could not load jobs: %1</source>
        <translation>Jobs konnten nicht geladen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) loaded</source>
        <translation><numerusform>%n Job geladen</numerusform><numerusform>%n Jobs geladen</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n loaded job(s) match</source>
        <translation><numerusform>Treffer: %1 von %n geladenen Job</numerusform><numerusform>Treffer: %1 von %n geladenen Jobs</numerusform></translation>
    </message>
    <message>
        <source>(more as you scroll)</source>
        <translation>(mehr beim Blättern)</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
</context>
<context>
    <name>KeysPage</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>Präfix</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Kontingente</translation>
    </message>
    <message>
        <source>Job types</source>
        <translation>Jobtypen</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Show revoked</source>
        <translation>Widerrufene anzeigen</translation>
    </message>
    <message>
        <source>Re&amp;voke</source>
        <translation>&amp;Widerrufen</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>Neuer Schlüssel</translation>
    </message>
    <message>
        <source>At most your own role</source>
        <translation>Höchstens Ihre eigene Rolle</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>any (or e.g. COMMAND, render)</source>
        <translation>alle (oder z. B. COMMAND, render)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source> day(s)</source>
        <translation> Tag(e)</translation>
    </message>
    <message>
        <source>&amp;Create key</source>
        <translation>Schlüssel &amp;erstellen</translation>
    </message>
    <message>
        <source>Jobs per hour</source>
        <translation>Jobs pro Stunde</translation>
    </message>
    <message>
        <source>Concurrent jobs</source>
        <translation>Gleichzeitige Jobs</translation>
    </message>
    <message>
        <source>Expires after</source>
        <translation>Läuft ab nach</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>&amp;Done</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>The new key (shown only now):</source>
        <translation>Der neue Schlüssel (wird nur jetzt angezeigt):</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Could not list the keys: %1</source>
        <translation>Die Schlüssel konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>%1/h</source>
        <translation>%1/h</translation>
    </message>
    <message>
        <source>%1 at once</source>
        <translation>%1 gleichzeitig</translation>
    </message>
    <message>
        <source>Give the key a name</source>
        <translation>Geben Sie dem Schlüssel einen Namen</translation>
    </message>
    <message>
        <source>Could not create the key: %1</source>
        <translation>Der Schlüssel konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Key %1 created. Copy it now: it is not shown again.</source>
        <translation>Schlüssel %1 erstellt. Kopieren Sie ihn jetzt: Er wird nicht erneut angezeigt.</translation>
    </message>
    <message>
        <source>Could not revoke: %1</source>
        <translation>Widerrufen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Key %1 revoked; it stopped working</source>
        <translation>Schlüssel %1 widerrufen; er funktioniert nicht mehr</translation>
    </message>
</context>
<context>
    <name>LogSaver</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>— %1 lines dropped by the log size cap —</source>
        <translation>— %1 Zeilen durch die Größengrenze des Logs verworfen —</translation>
    </message>
    <message>
        <source>%1 lines are too many to copy; use Save log… for the whole log</source>
        <translation>%1 Zeilen sind zu viele zum Kopieren; verwenden Sie „Log speichern …“ für das ganze Log</translation>
    </message>
    <message>
        <source>Loading lines to copy…</source>
        <translation>Zeilen zum Kopieren werden geladen …</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n line(s)</source>
        <translation><numerusform>%n Zeile kopiert</numerusform><numerusform>%n Zeilen kopiert</numerusform></translation>
    </message>
</context>
<context>
    <name>LogsPage</name>
    <message>
        <source>Follow</source>
        <translation>Folgen</translation>
    </message>
    <message>
        <source>Jump to end</source>
        <translation>Zum Ende springen</translation>
    </message>
    <message>
        <source>Running jobs: tick the ones to tail</source>
        <translation>Laufende Jobs: Haken Sie die an, deren Log Sie verfolgen möchten</translation>
    </message>
    <message>
        <source>Job ids to follow (paste, separated by spaces or commas)</source>
        <translation>Zu verfolgende Job-IDs (einfügen, durch Leerzeichen oder Kommas getrennt)</translation>
    </message>
    <message>
        <source>Filter (regular expression)</source>
        <translation>Filter (regulärer Ausdruck)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Running jobs</source>
        <translation>Laufende Jobs</translation>
    </message>
    <message>
        <source>Find next</source>
        <translation>Weitersuchen</translation>
    </message>
    <message>
        <source>Find previous</source>
        <translation>Rückwärts suchen</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Refresh running jobs</source>
        <translation>Laufende Jobs aktualisieren</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s)</source>
        <translation><numerusform>%n Job</numerusform><numerusform>%n Jobs</numerusform></translation>
    </message>
    <message>
        <source>%1 lines kept (the newest %2)</source>
        <translation>%1 Zeilen behalten (die neuesten %2)</translation>
    </message>
    <message>
        <source>%1 match</source>
        <translation>%1 Treffer</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tanvrit Compute</source>
        <translation>Tanvrit Compute</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Tanvrit Compute&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;Tanvrit Compute&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Settings and profiles</source>
        <translation>&amp;Einstellungen und Profile</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Dem &amp;System folgen</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Tanvrit Compute</source>
        <translation>Ü&amp;ber Tanvrit Compute</translation>
    </message>
    <message>
        <source>About Tanvrit Compute</source>
        <translation>Über Tanvrit Compute</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tanvrit Compute&lt;/b&gt; %1&lt;br&gt;A self-hostable compute-job platform.&lt;br&gt;Connected to: %2</source>
        <translation>&lt;b&gt;Tanvrit Compute&lt;/b&gt; %1&lt;br&gt;Eine selbst betreibbare Plattform für Rechenjobs.&lt;br&gt;Verbunden mit: %2</translation>
    </message>
    <message>
        <source>The local control plane could not start: %1

Connect to another deployment in Settings (Ctrl+,).</source>
        <translation>Die lokale Steuerungsebene konnte nicht starten: %1

Verbinden Sie sich in den Einstellungen (Strg+,) mit einer anderen Installation.</translation>
    </message>
    <message>
        <source>Starting the local control plane…</source>
        <translation>Die lokale Steuerungsebene wird gestartet …</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung mit %1 wird hergestellt …</translation>
    </message>
    <message>
        <source>Not signed in. Choose a profile in Settings (Ctrl+,).</source>
        <translation>Nicht angemeldet. Wählen Sie ein Profil in den Einstellungen (Strg+,).</translation>
    </message>
    <message>
        <source>Connection to %1 lost (%2). Reconnecting…</source>
        <translation>Verbindung zu %1 verloren (%2). Neuer Verbindungsversuch …</translation>
    </message>
    <message>
        <source>%1 refused this console: %2. Check the profile in Settings.</source>
        <translation>%1 hat diese Konsole abgewiesen: %2. Prüfen Sie das Profil in den Einstellungen.</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 (%4)</source>
        <translation>%1 · %2 · %3 (%4)</translation>
    </message>
    <message>
        <source>node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Job %1</source>
        <translation>Job %1</translation>
    </message>
    <message>
        <source>%1 ended %2</source>
        <translation>%1 endete mit %2</translation>
    </message>
    <message>
        <source> (exit %1)</source>
        <translation> (Exit-Code %1)</translation>
    </message>
    <message numerus="yes">
        <source>%n running job(s)</source>
        <translation><numerusform>%n laufender Job</numerusform><numerusform>%n laufende Jobs</numerusform></translation>
    </message>
    <message>
        <source>Tanvrit Compute: %1</source>
        <translation>Tanvrit Compute: %1</translation>
    </message>
    <message>
        <source>Tanvrit Compute (%1 running)</source>
        <translation>Tanvrit Compute (%1 laufen)</translation>
    </message>
    <message>
        <source>Quit Tanvrit Compute?</source>
        <translation>Tanvrit Compute beenden?</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) run on this machine's agent. Quitting stops them.</source>
        <translation><numerusform>%n Job läuft auf dem Agenten dieses Rechners. Beenden stoppt ihn.</numerusform><numerusform>%n Jobs laufen auf dem Agenten dieses Rechners. Beenden stoppt sie.</numerusform></translation>
    </message>
</context>
<context>
    <name>MembersPage</name>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>someone@example.com</source>
        <translation>someone@example.com</translation>
    </message>
    <message>
        <source>&amp;Invite</source>
        <translation>&amp;Einladen</translation>
    </message>
    <message>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <source>Set &amp;role</source>
        <translation>&amp;Rolle festlegen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>Ausgewählt</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>Mitglied entfernen</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Needs an admin or owner of the workspace</source>
        <translation>Erfordert einen Administrator oder Eigentümer des Arbeitsbereichs</translation>
    </message>
    <message>
        <source>Only an owner changes roles</source>
        <translation>Nur ein Eigentümer kann Rollen ändern</translation>
    </message>
    <message>
        <source>An invitation keeps the role it was sent with: withdraw it and invite again</source>
        <translation>Eine Einladung behält die Rolle, mit der sie verschickt wurde: Ziehen Sie sie zurück und laden Sie erneut ein</translation>
    </message>
    <message>
        <source>Could not list the members: %1</source>
        <translation>Die Mitglieder konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Give the email address to invite</source>
        <translation>Geben Sie die E-Mail-Adresse der einzuladenden Person an</translation>
    </message>
    <message>
        <source>Could not invite %1: %2</source>
        <translation>%1 konnte nicht eingeladen werden: %2</translation>
    </message>
    <message>
        <source>%1 is a member now</source>
        <translation>%1 ist jetzt Mitglied</translation>
    </message>
    <message>
        <source>%1 is invited: they become a member when they register</source>
        <translation>%1 ist eingeladen und wird bei der Registrierung Mitglied</translation>
    </message>
    <message>
        <source>Could not change the role: %1</source>
        <translation>Die Rolle konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Role set to %1</source>
        <translation>Rolle auf %1 gesetzt</translation>
    </message>
    <message>
        <source>Could not remove: %1</source>
        <translation>Entfernen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Removed; their keys in this workspace are revoked</source>
        <translation>Entfernt; die Schlüssel dieser Person in diesem Arbeitsbereich sind widerrufen</translation>
    </message>
</context>
<context>
    <name>NodesPage</name>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Drain…</source>
        <translation>Leeren …</translation>
    </message>
    <message>
        <source>Ctrl+D</source>
        <translation>Ctrl+D</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen …</translation>
    </message>
    <message>
        <source>Rotate key</source>
        <translation>Schlüssel rotieren</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>Add a node…</source>
        <translation>Knoten hinzufügen …</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Job types</source>
        <translation>Jobtypen</translation>
    </message>
    <message>
        <source>CPU alloc / used / total</source>
        <translation>CPU zugewiesen / genutzt / gesamt</translation>
    </message>
    <message>
        <source>Memory GiB alloc / used / total</source>
        <translation>Speicher GiB zugewiesen / genutzt / gesamt</translation>
    </message>
    <message>
        <source>GPUs</source>
        <translation>GPUs</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Last</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Letzter Heartbeat</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Auslastung</translation>
    </message>
    <message>
        <source>Held by</source>
        <translation>Belegt von</translation>
    </message>
    <message>
        <source>Double-click a job to open it</source>
        <translation>Doppelklicken Sie auf einen Job, um ihn zu öffnen</translation>
    </message>
    <message>
        <source>Jobs on this node</source>
        <translation>Jobs auf diesem Knoten</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Could not list the nodes: %1</source>
        <translation>Die Knoten konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source> (deadline %1)</source>
        <translation> (Frist %1)</translation>
    </message>
    <message>
        <source>%1 / %2 / %3</source>
        <translation>%1 / %2 / %3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 of %2 held</source>
        <translation>%1 von %2 belegt</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>No node yet: "Add a node" shows the command that starts one.</source>
        <translation>Noch kein Knoten: „Knoten hinzufügen“ zeigt den Befehl, der einen startet.</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s)</source>
        <translation><numerusform>%n Knoten</numerusform><numerusform>%n Knoten</numerusform></translation>
    </message>
    <message>
        <source>Select a node to see its GPUs and jobs.</source>
        <translation>Wählen Sie einen Knoten, um seine GPUs und Jobs zu sehen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2, version %3, isolation %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2, Version %3, Isolation %4</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>free</source>
        <translation>frei</translation>
    </message>
    <message>
        <source>Needs an admin or owner of the workspace</source>
        <translation>Erfordert einen Administrator oder Eigentümer des Arbeitsbereichs</translation>
    </message>
    <message>
        <source>Select a node first</source>
        <translation>Wählen Sie zuerst einen Knoten</translation>
    </message>
    <message>
        <source>Could not drain: %1</source>
        <translation>Leeren fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 is draining</source>
        <translation>%1 wird geleert</translation>
    </message>
    <message>
        <source>Remove node</source>
        <translation>Knoten entfernen</translation>
    </message>
    <message>
        <source>Remove %1? Its key is revoked and its jobs are requeued or failed.</source>
        <translation>%1 entfernen? Sein Schlüssel wird widerrufen, und seine Jobs werden wieder in die Warteschlange gestellt oder als fehlgeschlagen beendet.</translation>
    </message>
    <message>
        <source>Could not remove: %1</source>
        <translation>Entfernen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Node removed</source>
        <translation>Knoten entfernt</translation>
    </message>
    <message>
        <source>Could not rotate the key: %1</source>
        <translation>Der Schlüssel konnte nicht rotiert werden: %1</translation>
    </message>
    <message>
        <source>%1 was asked to rotate its key; it fetches a new one itself and the old one stops working then.</source>
        <translation>%1 wurde aufgefordert, seinen Schlüssel zu rotieren; er holt sich selbst einen neuen, danach funktioniert der alte nicht mehr.</translation>
    </message>
</context>
<context>
    <name>PlaneHost</name>
    <message>
        <source>cannot create the data directory %1</source>
        <translation>das Datenverzeichnis %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot read the owner key %1</source>
        <translation>der Schlüssel des Eigentümers %1 kann nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message>
        <source>A profile needs a name of 1 to 64 characters other than "%1".</source>
        <translation>Ein Profil braucht einen Namen aus 1 bis 64 Zeichen, der nicht „%1“ lautet.</translation>
    </message>
    <message>
        <source>The server URL must look like https://compute.example.com or http://127.0.0.1:8080.</source>
        <translation>Die Server-URL muss wie https://compute.example.com oder http://127.0.0.1:8080 aussehen.</translation>
    </message>
    <message>
        <source>A sign-in profile needs the email address to sign in with.</source>
        <translation>Ein Anmeldeprofil braucht die E-Mail-Adresse, mit der Sie sich anmelden.</translation>
    </message>
    <message>
        <source>The CA file %1 does not exist.</source>
        <translation>Die CA-Datei %1 existiert nicht.</translation>
    </message>
    <message>
        <source>No OS keychain is available: secrets are kept in %1, readable by your user only.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar: Geheimnisse werden in %1 aufbewahrt, nur für Ihren Benutzer lesbar.</translation>
    </message>
    <message>
        <source>The secret could not be saved in %1.</source>
        <translation>Das Geheimnis konnte nicht in %1 gespeichert werden.</translation>
    </message>
</context>
<context>
    <name>ScheduleDialog</name>
    <message>
        <source>New schedule</source>
        <translation>Neuer Zeitplan</translation>
    </message>
    <message>
        <source>Edit schedule %1</source>
        <translation>Zeitplan %1 bearbeiten</translation>
    </message>
    <message>
        <source>minute hour day-of-month month day-of-week, e.g. */15 9-17 * * MON-FRI</source>
        <translation>Minute Stunde Tag Monat Wochentag, z. B. */15 9-17 * * MON-FRI</translation>
    </message>
    <message>
        <source>A shell command, e.g. ./backup.sh --full</source>
        <translation>Ein Shell-Befehl, z. B. ./backup.sh --full</translation>
    </message>
    <message>
        <source>Allow overlapping runs</source>
        <translation>Überlappende Läufe erlauben</translation>
    </message>
    <message>
        <source>Skip while the last run is active</source>
        <translation>Auslassen, solange der letzte Lauf aktiv ist</translation>
    </message>
    <message>
        <source>Cancel the last run, then start</source>
        <translation>Letzten Lauf abbrechen, dann starten</translation>
    </message>
    <message>
        <source>Run once for missed slots</source>
        <translation>Verpasste Termine einmal nachholen</translation>
    </message>
    <message>
        <source>Skip missed slots</source>
        <translation>Verpasste Termine auslassen</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>C&amp;ron</source>
        <translation>C&amp;ron</translation>
    </message>
    <message>
        <source>&amp;Time zone</source>
        <translation>&amp;Zeitzone</translation>
    </message>
    <message>
        <source>Co&amp;mmand</source>
        <translation>&amp;Befehl</translation>
    </message>
    <message>
        <source>While a run is active</source>
        <translation>Während ein Lauf aktiv ist</translation>
    </message>
    <message>
        <source>After downtime</source>
        <translation>Nach einem Ausfall</translation>
    </message>
    <message>
        <source>Next runs</source>
        <translation>Nächste Läufe</translation>
    </message>
    <message>
        <source>%1 %2 (here: %3)</source>
        <translation>%1 %2 (hier: %3)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>Speichern fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>SchedulesPage</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Cron</source>
        <translation>Cron</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>Nächster Lauf</translation>
    </message>
    <message>
        <source>Last run</source>
        <translation>Letzter Lauf</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Slot</source>
        <translation>Termin</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>&amp;New schedule…</source>
        <translation>&amp;Neuer Zeitplan…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Runs of the selected schedule (double-click opens the job)</source>
        <translation>Läufe des gewählten Zeitplans (Doppelklick öffnet den Job)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Schedules</source>
        <translation>Zeitpläne</translation>
    </message>
    <message>
        <source>Managing schedules needs the admin or owner role</source>
        <translation>Zeitpläne verwalten dürfen nur Admins und Eigentümer</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Could not list the schedules: %1</source>
        <translation>Die Zeitpläne konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>Could not list the runs: %1</source>
        <translation>Die Läufe konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Schedule saved</source>
        <translation>Zeitplan gespeichert</translation>
    </message>
    <message>
        <source>Could not change the schedule: %1</source>
        <translation>Der Zeitplan konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>Schedule %1 paused</source>
        <translation>Zeitplan %1 pausiert</translation>
    </message>
    <message>
        <source>Schedule %1 resumed</source>
        <translation>Zeitplan %1 fortgesetzt</translation>
    </message>
    <message>
        <source>Delete schedule</source>
        <translation>Zeitplan löschen</translation>
    </message>
    <message>
        <source>Delete the schedule %1? Its past runs stay.</source>
        <translation>Den Zeitplan %1 löschen? Seine bisherigen Läufe bleiben erhalten.</translation>
    </message>
    <message>
        <source>Could not delete: %1</source>
        <translation>Löschen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Schedule %1 deleted</source>
        <translation>Zeitplan %1 gelöscht</translation>
    </message>
</context>
<context>
    <name>SecretsPage</name>
    <message>
        <source>Managing secrets needs an admin or owner of the workspace.</source>
        <translation>Geheimnisse verwalten dürfen nur Admins und Eigentümer des Arbeitsbereichs.</translation>
    </message>
    <message>
        <source>new vault name</source>
        <translation>Name des neuen Tresors</translation>
    </message>
    <message>
        <source>Create &amp;vault</source>
        <translation>&amp;Tresor anlegen</translation>
    </message>
    <message>
        <source>Delete vault…</source>
        <translation>Tresor löschen…</translation>
    </message>
    <message>
        <source>Vaults</source>
        <translation>Tresore</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>&amp;Set secret…</source>
        <translation>Geheimnis &amp;setzen…</translation>
    </message>
    <message>
        <source>&amp;Rotate…</source>
        <translation>&amp;Erneuern…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>Values are write-only: they are never shown again. Jobs name a secret as vault/NAME and receive it as the environment variable NAME.</source>
        <translation>Werte können nur geschrieben werden: Sie werden nie wieder angezeigt. Jobs nennen ein Geheimnis als Tresor/NAME und erhalten es als Umgebungsvariable NAME.</translation>
    </message>
    <message>
        <source>Secrets</source>
        <translation>Geheimnisse</translation>
    </message>
    <message>
        <source>Could not read the vaults: %1</source>
        <translation>Die Tresore konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not read the secrets: %1</source>
        <translation>Die Geheimnisse konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Give the new vault a name.</source>
        <translation>Geben Sie dem neuen Tresor einen Namen.</translation>
    </message>
    <message>
        <source>Could not create the vault: %1</source>
        <translation>Der Tresor konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Vault %1 created.</source>
        <translation>Tresor %1 angelegt.</translation>
    </message>
    <message>
        <source>Delete vault</source>
        <translation>Tresor löschen</translation>
    </message>
    <message>
        <source>Delete vault %1 and all its secrets? Jobs that name them will fail.</source>
        <translation>Tresor %1 mit allen Geheimnissen löschen? Jobs, die sie nennen, schlagen fehl.</translation>
    </message>
    <message>
        <source>Could not delete the vault: %1</source>
        <translation>Der Tresor konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Vault %1 deleted.</source>
        <translation>Tresor %1 gelöscht.</translation>
    </message>
    <message>
        <source>Choose or create a vault first.</source>
        <translation>Wählen oder legen Sie zuerst einen Tresor an.</translation>
    </message>
    <message>
        <source>Set secret</source>
        <translation>Geheimnis setzen</translation>
    </message>
    <message>
        <source>Rotate %1</source>
        <translation>%1 erneuern</translation>
    </message>
    <message>
        <source>DB_PASSWORD</source>
        <translation>DB_PASSWORD</translation>
    </message>
    <message>
        <source>the value (never shown again)</source>
        <translation>der Wert (wird nie wieder angezeigt)</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>A secret needs a name and a value.</source>
        <translation>Ein Geheimnis braucht einen Namen und einen Wert.</translation>
    </message>
    <message>
        <source>Could not set %1: %2</source>
        <translation>%1 konnte nicht gesetzt werden: %2</translation>
    </message>
    <message>
        <source>%1 set (version %2).</source>
        <translation>%1 gesetzt (Version %2).</translation>
    </message>
    <message>
        <source>Delete secret</source>
        <translation>Geheimnis löschen</translation>
    </message>
    <message>
        <source>Delete secret %1? Jobs that name it will fail.</source>
        <translation>Geheimnis %1 löschen? Jobs, die es nennen, schlagen fehl.</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>%1 deleted.</source>
        <translation>%1 gelöscht.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Email and password</source>
        <translation>E-Mail und Passwort</translation>
    </message>
    <message>
        <source>tnv_… (kept in the keychain; leave empty to keep the stored one)</source>
        <translation>tnv_… (im Schlüsselbund gespeichert; leer lassen, um den gespeicherten zu behalten)</translation>
    </message>
    <message>
        <source>optional: a PEM file trusted besides the system's CAs</source>
        <translation>optional: eine PEM-Datei, der zusätzlich zu den CAs des Systems vertraut wird</translation>
    </message>
    <message>
        <source>The embedded profile runs a control plane and an agent for this machine inside the console, with the owner's key. Nothing to configure.</source>
        <translation>Das eingebettete Profil betreibt eine Steuerungsebene und einen Agenten für diesen Rechner in der Konsole, mit dem Schlüssel des Eigentümers. Nichts einzurichten.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <source>CA certificate (PEM)</source>
        <translation>CA-Zertifikat (PEM)</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>Server &amp;URL</source>
        <translation>Server-&amp;URL</translation>
    </message>
    <message>
        <source>&amp;Authentication</source>
        <translation>&amp;Anmeldung</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API-&amp;Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;E-Mail</translation>
    </message>
    <message>
        <source>&amp;CA file</source>
        <translation>&amp;CA-Datei</translation>
    </message>
    <message>
        <source>&amp;New profile</source>
        <translation>&amp;Neues Profil</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save and c&amp;onnect</source>
        <translation>Speichern und &amp;verbinden</translation>
    </message>
    <message>
        <source>In use: &lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation>In Verwendung: &lt;b&gt;%1&lt;/b&gt; (%2)</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Sign in to %1</source>
        <translation>Bei %1 anmelden</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Passwort</translation>
    </message>
    <message>
        <source>Enter the password.</source>
        <translation>Geben Sie das Passwort ein.</translation>
    </message>
</context>
<context>
    <name>SubmitDialog</name>
    <message>
        <source>Submit a job</source>
        <translation>Einen Job übermitteln</translation>
    </message>
    <message>
        <source>Shell command (sh -c)</source>
        <translation>Shell-Befehl (sh -c)</translation>
    </message>
    <message>
        <source>Program and arguments, one per line</source>
        <translation>Programm und Argumente, eines pro Zeile</translation>
    </message>
    <message>
        <source>Run as</source>
        <translation>Ausführen als</translation>
    </message>
    <message>
        <source>echo hello from $(hostname)</source>
        <translation>echo hello from $(hostname)</translation>
    </message>
    <message>
        <source>&amp;Command</source>
        <translation>&amp;Befehl</translation>
    </message>
    <message>
        <source>&amp;Type</source>
        <translation>&amp;Typ</translation>
    </message>
    <message>
        <source>KEY=value, one a line</source>
        <translation>KEY=value, einer pro Zeile</translation>
    </message>
    <message>
        <source>&amp;Environment</source>
        <translation>&amp;Umgebung</translation>
    </message>
    <message>
        <source>names of env entries to redact from logs, comma separated</source>
        <translation>Namen von Umgebungseinträgen, die in Logs geschwärzt werden, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>&amp;Secrets</source>
        <translation>&amp;Geheimnisse</translation>
    </message>
    <message>
        <source>gpu=a100, zone=eu (the agent must carry each)</source>
        <translation>gpu=a100, zone=eu (der Agent muss jedes tragen)</translation>
    </message>
    <message>
        <source>&amp;Labels</source>
        <translation>&amp;Labels</translation>
    </message>
    <message>
        <source>C&amp;PU cores</source>
        <translation>&amp;CPU-Kerne</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <source>&amp;Memory</source>
        <translation>&amp;Speicher</translation>
    </message>
    <message>
        <source>&amp;GPUs</source>
        <translation>G&amp;PUs</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>T&amp;imeout</source>
        <translation>&amp;Zeitlimit</translation>
    </message>
    <message>
        <source>P&amp;riority</source>
        <translation>P&amp;riorität</translation>
    </message>
    <message>
        <source>Re&amp;tries</source>
        <translation>&amp;Wiederholungen</translation>
    </message>
    <message>
        <source>default: a fresh directory per attempt</source>
        <translation>Standard: ein neues Verzeichnis pro Versuch</translation>
    </message>
    <message>
        <source>&amp;Working dir</source>
        <translation>Arbeits&amp;verzeichnis</translation>
    </message>
    <message>
        <source>&amp;Submit</source>
        <translation>&amp;Absenden</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>give the program to run</source>
        <translation>das auszuführende Programm angeben</translation>
    </message>
    <message>
        <source>give a command to run</source>
        <translation>einen auszuführenden Befehl angeben</translation>
    </message>
    <message>
        <source>at most 64 KiB</source>
        <translation>höchstens 64 KiB</translation>
    </message>
    <message>
        <source>write KEY=value: %1</source>
        <translation>KEY=value schreiben: %1</translation>
    </message>
    <message>
        <source>at most %1 entries</source>
        <translation>höchstens %1 Einträge</translation>
    </message>
    <message>
        <source>%1 is not an env entry</source>
        <translation>%1 ist kein Umgebungseintrag</translation>
    </message>
    <message>
        <source>write key=value: %1</source>
        <translation>key=value schreiben: %1</translation>
    </message>
</context>
<context>
    <name>UiFormat</name>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>vor %1 min</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>vor %1 h</translation>
    </message>
    <message>
        <source>%1 d ago</source>
        <translation>vor %1 d</translation>
    </message>
</context>
<context>
    <name>WebhooksPage</name>
    <message>
        <source>Webhooks are managed by admins and owners of the workspace.</source>
        <translation>Webhooks werden von Admins und Eigentümern des Arbeitsbereichs verwaltet.</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last delivery</source>
        <translation>Letzte Zustellung</translation>
    </message>
    <message>
        <source>Send &amp;test</source>
        <translation>&amp;Test senden</translation>
    </message>
    <message>
        <source>R&amp;otate secret</source>
        <translation>Geheimnis &amp;erneuern</translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>&amp;Aktivieren</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Response (ms)</source>
        <translation>Antwort (ms)</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>Next retry</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>&amp;Resend</source>
        <translation>Erneut &amp;senden</translation>
    </message>
    <message>
        <source>Deliveries of the selected webhook</source>
        <translation>Zustellungen des gewählten Webhooks</translation>
    </message>
    <message>
        <source>New webhook</source>
        <translation>Neuer Webhook</translation>
    </message>
    <message>
        <source>Comma-separated: job.created, job.transitioned, job.terminal, agent.*, webhook.disabled, ping, or * for all</source>
        <translation>Durch Kommas getrennt: job.created, job.transitioned, job.terminal, agent.*, webhook.disabled, ping, oder * für alle</translation>
    </message>
    <message>
        <source>&amp;Create webhook</source>
        <translation>Webhook &amp;anlegen</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>Webhooks</source>
        <translation>Webhooks</translation>
    </message>
    <message>
        <source>Could not list the webhooks: %1</source>
        <translation>Die Webhooks konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <source>Could not read the deliveries: %1</source>
        <translation>Die Zustellungen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not create the webhook: %1</source>
        <translation>Der Webhook konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Signing secret (shown only now):</source>
        <translation>Signaturgeheimnis (nur jetzt sichtbar):</translation>
    </message>
    <message>
        <source>Webhook for %1 created. Copy its signing secret now: it is not shown again.</source>
        <translation>Webhook für %1 angelegt. Kopieren Sie sein Signaturgeheimnis jetzt: Es wird nicht noch einmal angezeigt.</translation>
    </message>
    <message>
        <source>Could not send a test: %1</source>
        <translation>Der Test konnte nicht gesendet werden: %1</translation>
    </message>
    <message>
        <source>Test event sent; its delivery appears below</source>
        <translation>Testereignis gesendet; seine Zustellung erscheint unten</translation>
    </message>
    <message>
        <source>Could not rotate the secret: %1</source>
        <translation>Das Geheimnis konnte nicht erneuert werden: %1</translation>
    </message>
    <message>
        <source>New signing secret (shown only now):</source>
        <translation>Neues Signaturgeheimnis (nur jetzt sichtbar):</translation>
    </message>
    <message>
        <source>Secret rotated; the previous one also signs deliveries for 24 hours</source>
        <translation>Geheimnis erneuert; das bisherige signiert Zustellungen noch 24 Stunden lang mit</translation>
    </message>
    <message>
        <source>Could not enable: %1</source>
        <translation>Aktivieren fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Webhook enabled</source>
        <translation>Webhook aktiviert</translation>
    </message>
    <message>
        <source>Could not delete: %1</source>
        <translation>Löschen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Webhook deleted</source>
        <translation>Webhook gelöscht</translation>
    </message>
    <message>
        <source>Could not resend: %1</source>
        <translation>Erneutes Senden fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Delivery queued again</source>
        <translation>Zustellung erneut eingereiht</translation>
    </message>
</context>
<context>
    <name>WorkspaceSwitcher</name>
    <message>
        <source>Workspace:</source>
        <translation>Arbeitsbereich:</translation>
    </message>
    <message>
        <source>%1 (an API key acts in its own workspace)</source>
        <translation>%1 (ein API-Schlüssel handelt in seinem eigenen Arbeitsbereich)</translation>
    </message>
    <message>
        <source>Could not list workspaces: %1</source>
        <translation>Die Arbeitsbereiche konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
</TS>