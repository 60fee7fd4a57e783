#!/usr/bin/env bash
# Installs the npm tools the tests use (tools/npm: Redocly CLI to lint docs/openapi.yaml, Prism's validating
# proxy) into <build>/npm-tools with `npm ci`, exactly at the lock file's versions. Instant when they are there.
# Installs Debian's nodejs and npm with apt when `node` is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
dest="$BUILD_DIR/npm-tools"
lock=tools/npm/package-lock.json

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "npm-tools: installing nodejs npm (Debian)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi

# The stamp names the lock file's hash and the node that ran the install (a new major may need a rebuild).
stamp="$(sha256sum "$lock" tools/npm/package.json | sha256sum | cut -c1-64) node-$(node --version)"
if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$stamp" ] &&
   [ -x "$dest/node_modules/.bin/prism" ] && [ -x "$dest/node_modules/.bin/redocly" ]; then
  exit 0
fi

echo "npm-tools: npm ci into $dest"
mkdir -p "$dest"
rm -f "$dest/.installed"
cp tools/npm/package.json "$lock" "$dest/"
# A cache beside the install keeps a reinstall (a changed lock, a wiped node_modules) off the network
# where it can, and leaves the user's ~/.npm alone.
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error --cache "$PWD/.npm-cache")
echo "$stamp" > "$dest/.installed"
