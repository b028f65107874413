#!/usr/bin/env bash
# Runs one benchmark and writes its results under load-tests/results/.
#   load-tests/run.sh foundation    tokens/s per model, KV cache vs recompute, gateway overhead
#   load-tests/run.sh router        domain classification latency, one at a time and batched
#   load-tests/run.sh batching      worker throughput with dynamic/continuous batching vs batch size 1 vs direct ONNX Runtime
#   load-tests/run.sh batching score|embed|generate   one section alone, to results/batching-SECTION.md
#   load-tests/run.sh decision-log  decisions per second the decision log's writer keeps up with into DuckDB
#   load-tests/run.sh decision-log-overhead   the gateway's p50 and p99 with the decision log off and on DuckDB, side by side
# GOLDILOCKS_DEVICE=cuda:0 runs the models on that GPU (builds with -Pcuda; batching benchmark only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: load-tests/run.sh foundation|router|batching|decision-log|decision-log-overhead}
case "$name" in
  foundation) main=dev.goldilocks.loadtests.FoundationBenchmark ;;
  router) main=dev.goldilocks.loadtests.RouterBenchmark ;;
  batching) main=dev.goldilocks.loadtests.BatchingBenchmark ;;
  decision-log) main=dev.goldilocks.loadtests.DecisionLogBenchmark ;;
  decision-log-overhead) main=dev.goldilocks.loadtests.DecisionLogOverheadBenchmark ;;
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
device=${GOLDILOCKS_DEVICE:-cpu}
profile=()
[[ $device == cuda:* ]] && profile=(-Pcuda)
cd "$root"
mvn -q -B "${profile[@]}" -DskipTests install
mvn -q -B "${profile[@]}" -Dgoldilocks.device="$device" -pl load-tests exec:java -Dexec.mainClass="$main" -Dexec.args="$root/load-tests/results ${2:-}"
