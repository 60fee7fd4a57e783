#!/usr/bin/env bash
# Man pages from --help (help2man): tanvrit-compute(1) and tanvrit-compute-<command>(1) for each command the
# top-level help lists. Usage: gen-man.sh BINARY OUTDIR VERSION
set -euo pipefail
bin=$1 out=$2 version=$3
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=/nonexistent STATE_DIRECTORY=/var/lib/tanvrit QT_QPA_PLATFORM=offscreen
page() { # name, wrapper, description
  help2man -N -s 1 --version-string="$version" -n "$3" -o "$work/$1.1" "$2"
  # help2man names the program after the wrapper's file name; the page is the command's
  gzip -9n -c "$work/$1.1" > "$out/$1.1.gz"
}
page tanvrit-compute "$bin" "self-hostable compute-job platform: server, agent and client"
# the commands of the top-level help: "  serve     run the control plane ..."
"$bin" --help | awk '/^commands:|^client commands/ {on=1; next} /^$/ {on=0} on && /^  [a-z]/ {print $1 "\t" substr($0, index($0, $2))}' |
while IFS=$'\t' read -r cmd what; do
  [ "$cmd" = "version" ] && continue
  wrapper="$work/tanvrit-compute-$cmd"
  printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$bin" "$cmd" > "$wrapper"
  chmod +x "$wrapper"
  page "tanvrit-compute-$cmd" "$wrapper" "$what"
done
