#!/usr/bin/env bash
# Install every Debian package listed in scripts/packages.txt that is not
# installed yet.  Idempotent and silent when nothing is missing; runs
# apt-get update only when it has something to install.
set -euo pipefail

list="$(dirname "$0")/packages.txt"
mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

# A package counts as present only when dpkg says "install ok installed".
missing=()
for p in "${want[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$st" == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
