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