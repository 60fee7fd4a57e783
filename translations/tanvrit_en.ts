<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ConsoleApp</name>
    <message>
        <source>Connecting to the local control plane…</source>
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
</TS>