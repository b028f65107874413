#!/usr/bin/env bash
# Retrains the tokenizer and every demo model from a fixed seed and rewrites models/.
# Usage: models/forge/forge.sh [--only NAME ...]   (about an hour on two cores)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(python3-torch python3-onnx libopenblas0-pthread dict-gcide dict-devil fortunes fortunes-min bible-kjv bible-kjv-text)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# The legal corpus is the copyright file of each package in legal-packages.txt.
while read -r p; do
  case "$p" in ''|'#'*) continue ;; esac
  [ -f "/usr/share/doc/$p/copyright" ] || missing+=("$p")
done < "$here/legal-packages.txt"
if [ ${#missing[@]} -gt 0 ]; then
  echo "forge: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}"
fi
# The router's training set reads the files of every package in routing-packages.txt.
"$here/routing-set.sh" --install-only
[ -f /usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip ] || { echo "forge: needs the JDK sources (openjdk-17-source)"; exit 1; }

# Debian's python3 (not a pyenv one) is the one that sees python3-torch; two threads, as on CI machines.
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 PYTHONHASHSEED=0
cd "$here"
exec /usr/bin/python3 -u forge.py "$@"
