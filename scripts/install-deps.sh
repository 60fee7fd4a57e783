#!/usr/bin/env bash
# Installs exactly the Debian packages Tanvrit Compute needs to build and test.
# Idempotent: when everything is present it only checks and returns (well under a second).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev
  libqt6sql6-sqlite libqt6sql6-psql qt6-l10n-tools
  libssl-dev openssl libargon2-dev libgoogle-perftools-dev
  libsodium-dev
  python3 python3-yaml
  qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-tools-dev qtkeychain-qt6-dev
  xvfb xauth imagemagick
  clang libclang-rt-14-dev
  libsystemd-dev lintian help2man desktop-file-utils appstream librsvg2-bin systemd dpkg-dev fakeroot file
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
