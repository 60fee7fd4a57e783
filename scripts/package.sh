#!/usr/bin/env bash
# Builds Release binaries and the Debian packages into dist/: tanvrit-compute (server, agent, CLI; no Qt
# Widgets) and tanvrit-compute-console (the desktop console). Then checks them with lintian.
# BUILD_DIR (default build-release) is the build tree; extra arguments go to CMake's configure step
# (e.g. -DTANVRIT_GUI=OFF for the server package alone).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build-release}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTANVRIT_TESTS=OFF -DTANVRIT_BENCH=OFF "$@"
cmake --build "$BUILD_DIR" -- -j"$(nproc)"
rm -f dist/*.deb
(cd "$BUILD_DIR" && cpack -G DEB)
for deb in dist/*.deb; do
  echo "== $deb ($(du -h "$deb" | cut -f1))"
  dpkg-deb -f "$deb" Package Version Depends
done
# errors fail the build; warnings are printed
lintian --fail-on error --suppress-tags-from-file installers/debian/lintian-suppressed dist/*.deb
