#!/usr/bin/env bash
# Runs one benchmark and writes its results under load-tests/results/.
#   load-tests/run.sh foundation    tokens/s per model, KV cache vs recompute, gateway overhead
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: load-tests/run.sh foundation}
case "$name" in
  foundation) main=dev.goldilocks.loadtests.FoundationBenchmark ;;
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
cd "$root"
mvn -q -B -DskipTests install
mvn -q -B -pl load-tests exec:java -Dexec.mainClass="$main" -Dexec.args="$root/load-tests/results"
