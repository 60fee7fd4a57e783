#!/usr/bin/env bash
# Builds the Debian packages from this build tree (cpack), checks them as a distribution would (lintian,
# systemd-analyze verify, appstreamcli, desktop-file-validate), unpacks them into a temporary root and runs
# the packaged server and agent from there through a job, configured by the packaged configuration files.
# Usage: tst_packages.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -D CPACK_OUTPUT_FILE_PREFIX="$tmp/dist" > "$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack"; }
server_deb=$(ls "$tmp"/dist/tanvrit-compute_*.deb)
console_deb=$(ls "$tmp"/dist/tanvrit-compute-console_*.deb 2>/dev/null || true)
for deb in "$tmp"/dist/*.deb; do
  echo "package $(basename "$deb") $(stat -c %s "$deb") bytes"
  dpkg-deb -f "$deb" Package Version Installed-Size Depends
done

# the server package runs on a machine without a display: no Qt Widgets, GUI or X11 anywhere in it
depends=$(dpkg-deb -f "$server_deb" Depends)
case "$depends" in *libqt6widgets*|*libqt6gui*|*libx11*) fail "tanvrit-compute depends on GUI libraries: $depends";; esac
case "$depends" in *adduser*) ;; *) fail "tanvrit-compute must depend on adduser: $depends";; esac
dpkg-deb -e "$server_deb" "$tmp/control"
grep -qx /etc/tanvrit/server.conf "$tmp/control/conffiles" || fail "server.conf is not a conffile"
grep -qx /etc/tanvrit/agent.conf "$tmp/control/conffiles" || fail "agent.conf is not a conffile"

lintian --fail-on error --suppress-tags-from-file "$src/installers/debian/lintian-suppressed" "$tmp"/dist/*.deb \
  > "$tmp/lintian.log" 2>&1 || { cat "$tmp/lintian.log"; fail "lintian reports errors"; }
echo "lintian: $(grep -c '^E:' "$tmp/lintian.log" || true) errors, $(grep -c '^W:' "$tmp/lintian.log" || true) warnings"
grep -E '^(E|W):' "$tmp/lintian.log" || true

root=$tmp/root
for deb in "$tmp"/dist/*.deb; do dpkg-deb -x "$deb" "$root"; done
for f in usr/bin/tanvrit-compute lib/systemd/system/tanvrit-server.service lib/systemd/system/tanvrit-agent.service \
         etc/tanvrit/server.conf etc/tanvrit/agent.conf usr/share/man/man1/tanvrit-compute.1.gz \
         usr/share/man/man1/tanvrit-compute-serve.1.gz usr/share/man/man1/tanvrit-compute-agent.1.gz \
         usr/share/man/man1/tanvrit-compute-jobs.1.gz usr/share/bash-completion/completions/tanvrit-compute \
         usr/share/zsh/vendor-completions/_tanvrit-compute usr/share/fish/vendor_completions.d/tanvrit-compute.fish \
         usr/share/doc/tanvrit-compute/copyright usr/share/doc/tanvrit-compute/changelog.Debian.gz; do
  [ -e "$root/$f" ] || [ -e "$root/usr/$f" ] || fail "the packages lack /$f"
done
units=$root/lib/systemd/system
[ -d "$units" ] || units=$root/usr/lib/systemd/system
# every option of the binary is in the configuration file (commented)
for opt in $("$root/usr/bin/tanvrit-compute" serve --help | grep -oE '^  --[a-z0-9-]+' | sed 's/^  --//'); do
  case $opt in help|help-all|config) continue;; esac
  grep -q "^#$opt =" "$root/etc/tanvrit/server.conf" || fail "server.conf lacks $opt"
done
# verify resolves the units' dependencies (sysinit.target, …) inside --root: lend it this machine's
cp -rn /lib/systemd/system/. "$units/" 2>/dev/null || true
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no --root="$root" "$units/tanvrit-server.service" \
  "$units/tanvrit-agent.service" 2>&1 | grep -v "^$" > "$tmp/verify.log" || true
if [ -s "$tmp/verify.log" ]; then cat "$tmp/verify.log"; fail "systemd-analyze verify"; fi
if [ -n "$console_deb" ]; then
  for f in usr/bin/tanvrit-compute-console usr/share/applications/com.tanvrit.Compute.desktop \
           usr/share/metainfo/com.tanvrit.Compute.metainfo.xml usr/share/icons/hicolor/scalable/apps/com.tanvrit.Compute.svg \
           usr/share/icons/hicolor/48x48/apps/com.tanvrit.Compute.png usr/share/icons/hicolor/256x256/apps/com.tanvrit.Compute.png \
           usr/share/tanvrit-compute/translations/tanvrit_de.qm; do
    [ -e "$root/$f" ] || fail "the console package lacks /$f"
  done
  desktop-file-validate "$root/usr/share/applications/com.tanvrit.Compute.desktop" || fail "desktop-file-validate"
  appstreamcli validate --no-net "$root/usr/share/metainfo/com.tanvrit.Compute.metainfo.xml" > "$tmp/as.log" 2>&1 \
    || { cat "$tmp/as.log"; fail "appstreamcli validate"; }
  dpkg-deb -f "$console_deb" Depends | grep -q "tanvrit-compute (= " || fail "the console must depend on tanvrit-compute"
fi

# the packaged server and agent, configured by files like the packaged ones, run a job end to end
bin=$root/usr/bin/tanvrit-compute
{ cat "$root/etc/tanvrit/server.conf"; printf 'listen = 127.0.0.1:0\ndata-dir = %s\n' "$tmp/data"; } > "$tmp/server.conf"
"$bin" serve --config "$tmp/server.conf" > "$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "listening url=" "$tmp/serve.log" && break; sleep 0.1; done
url=$(grep -o 'listening url=[^ ]*' "$tmp/serve.log" | head -1 | cut -d= -f2)
[ -n "$url" ] || { cat "$tmp/serve.log"; fail "the packaged server did not start"; }
key=$(cat "$tmp/data/admin.key")
{ cat "$root/etc/tanvrit/agent.conf"; printf 'server = %s\nkey = %s\nwork-dir = %s\nslots = 2\nname = packaged\n' \
  "$url" "$key" "$tmp/agent"; } > "$tmp/agent.conf"
"$bin" agent --config "$tmp/agent.conf" > "$tmp/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "registered node=" "$tmp/agent.log" && break; sleep 0.1; done
grep -q "registered node=" "$tmp/agent.log" || { cat "$tmp/agent.log"; fail "the packaged agent did not register"; }
out=$(TANVRIT_API_KEY=$key timeout 60 "$bin" jobs run --server "$url" -- echo "from the package") \
  || { cat "$tmp/serve.log" "$tmp/agent.log"; fail "the job did not succeed"; }
[ "$out" = "from the package" ] || fail "the job printed '$out'"
echo "PASS: packages built, checked and run"
