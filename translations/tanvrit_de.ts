<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConsoleApp</name>
    <message>
        <source>Connecting to the local control plane…</source>
        <translation>Verbindung mit der lokalen Steuerungsebene wird hergestellt …</translation>
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
        <translation>Klonen und bearbeiten…</translation>
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
        <source>Follow this job&apos;s log on the Logs page (Enter)</source>
        <translation>Das Log dieses Jobs auf der Seite Logs verfolgen (Eingabe)</translation>
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
        <translation>
            <numerusform>%n Mal</numerusform>
            <numerusform>%n Mal</numerusform>
        </translation>
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
        <translation>Verlangt %1 CPU, %2 GiB Speicher, %3 GPU.</translation>
    </message>
    <message>
        <source>No agent is registered: add a node (Nodes page) or start the local agent.</source>
        <translation>Kein Agent ist registriert: einen Knoten hinzufügen (Seite Knoten) oder den lokalen Agenten starten.</translation>
    </message>
    <message>
        <source>%1 (%2): %3 CPU and %4 GiB free, %5 of %6 slots busy, %7 GPU</source>
        <translation>%1 (%2): %3 CPU und %4 GiB frei, %5 von %6 Plätzen belegt, %7 GPU</translation>
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1</source>
        <translation>
            <numerusform>Hält %n GPU auf %1</numerusform>
            <numerusform>Hält %n GPUs auf %1</numerusform>
        </translation>
    </message>
    <message>
        <source>#%1 %2, %3% busy, %4 of %5 MiB</source>
        <translation>#%1 %2, %3 % ausgelastet, %4 von %5 MiB</translation>
    </message>
    <message numerus="yes">
        <source>Holds %n GPU(s) on %1. Its devices:</source>
        <translation>
            <numerusform>Hält %n GPU auf %1. Seine Geräte:</numerusform>
            <numerusform>Hält %n GPUs auf %1. Seine Geräte:</numerusform>
        </translation>
    </message>
    <message>
        <source>Artifacts asked for: %1</source>
        <translation>Verlangte Artefakte: %1</translation>
    </message>
    <message>
        <source>None collected yet.</source>
        <translation>Noch keine gesammelt.</translation>
    </message>
    <message>
        <source>Only an admin may cancel or retry another person&apos;s job</source>
        <translation>Nur ein Admin darf den Job einer anderen Person abbrechen oder wiederholen</translation>
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
        <translation>Filter: Job-ID, Befehl, Agent… (Strg+F)</translation>
    </message>
    <message>
        <source>New job…</source>
        <translation>Neuer Job…</translation>
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
        <source>Prints this machine&apos;s name and GPUs</source>
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
        <translation>Klonen und bearbeiten…</translation>
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
        <translation>
            <numerusform>%n Job geladen</numerusform>
            <numerusform>%n Jobs geladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n loaded job(s) match</source>
        <translation>
            <numerusform>%1 von %n geladenen Job passen</numerusform>
            <numerusform>%1 von %n geladenen Jobs passen</numerusform>
        </translation>
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
        <translation>echo hallo von $(hostname)</translation>
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
        <translation>SCHLÜSSEL=Wert, einer pro Zeile</translation>
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
        <translation>C&amp;PU-Kerne</translation>
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
        <translation>&amp;GPUs</translation>
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
        <translation>&amp;Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>&amp;Submit</source>
        <translation>Ü&amp;bermitteln</translation>
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
        <translation>SCHLÜSSEL=Wert schreiben: %1</translation>
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
        <translation>schlüssel=Wert schreiben: %1</translation>
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
</TS>