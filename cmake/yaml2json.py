#!/usr/bin/env python3
# Converts docs/openapi.yaml into the compact JSON the server serves at GET /v0/openapi.json (a build step).
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    doc = yaml.safe_load(f)
if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
    sys.exit(f"{sys.argv[1]}: not an OpenAPI 3.1 document")
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, separators=(",", ":"))
