#!/usr/bin/env bash
# Rewrites the router's labelled sets (models/routing/{train,test,user-heldout}.jsonl) from the Debian
# packages named in routing-packages.txt (installed first when missing), then retrain the classifier
# with ./goldilocks train-router. About a minute; nothing is downloaded apart from those packages.
# --install-only: install the missing packages and stop (forge.sh uses it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r use p; do
  case "$use" in ''|'#'*) continue ;; esac
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done < "$here/routing-packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  echo "routing-set: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ "${1:-}" = "--install-only" ] && exit 0
cd "$here"
exec /usr/bin/python3 -u routing_set.py "$@"
