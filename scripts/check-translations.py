#!/usr/bin/env python3
"""Checks that the console's German translation is complete and current: lupdate is run over ui/ and the console's start-up (app/console) into
a copy of translations/tanvrit_de.ts, and any message left unfinished (a new or changed string without a
translation) or a %n string without its plural forms fails. English needs only its plural forms.
Usage: check-translations.py LUPDATE SOURCE_DIR"""
import os, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

lupdate, src = sys.argv[1], sys.argv[2]
failed = False
with tempfile.TemporaryDirectory() as tmp:
    for lang, needs_all in (("de", True), ("en", False)):
        ts = os.path.join(tmp, f"tanvrit_{lang}.ts")
        shutil.copy(os.path.join(src, "translations", f"tanvrit_{lang}.ts"), ts)
        subprocess.run([lupdate, "-silent", "-no-obsolete", "-locations", "none", os.path.join(src, "ui"),
                        os.path.join(src, "app", "console", "EmbeddedBackend.cpp"),
                        os.path.join(src, "app", "console", "ConsoleApp.cpp"), "-ts", ts], check=True)
        root = ET.parse(ts).getroot()
        missing = []
        for ctx in root.iter("context"):
            name = ctx.findtext("name")
            for msg in ctx.iter("message"):
                tr = msg.find("translation")
                plural = msg.get("numerus") == "yes"
                if not needs_all and not plural:
                    continue
                forms = [f.text for f in tr.findall("numerusform")] if plural else [tr.text]
                if tr.get("type") in ("unfinished", "vanished", "obsolete") or not all(f and f.strip() for f in forms):
                    missing.append(f"{name}: {msg.findtext('source')!r}")
        total = sum(1 for _ in root.iter("message"))
        print(f"tanvrit_{lang}.ts: {total} messages, {len(missing)} missing")
        for m in missing[:50]:
            print("  missing:", m)
        failed |= bool(missing)
sys.exit(1 if failed else 0)
