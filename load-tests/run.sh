#!/usr/bin/env bash
# Runs one benchmark and writes its results under load-tests/results/.
#   load-tests/run.sh foundation    tokens/s per model, KV cache vs recompute, gateway overhead
#   load-tests/run.sh router        domain classification latency, one at a time and batched, beside bare session.run
#   load-tests/run.sh tokens        per-token host work at 128k logits: sampling, and detokenization by position
#   load-tests/run.sh batching      worker throughput with dynamic/continuous batching vs batch size 1 vs direct ONNX Runtime
#   load-tests/run.sh batching score|embed|generate   one section alone, to results/batching-SECTION.md
#   load-tests/run.sh decision-log  decisions per second the decision log's writer keeps up with into DuckDB
#   load-tests/run.sh decision-log-overhead   the gateway's p50 and p99 with the decision log off and on DuckDB, side by side
#   load-tests/run.sh capacity [OPTIONS]   the all-in-one's capacity curve, generic-only against specialist-by-domain
#                                   (about 15 minutes; --duration 5 --rates 4,16,64 for a quick check; --help)
#   load-tests/run.sh overload [OPTIONS]   accepted p99 and refusal cost at 3x the all-in-one's capacity, against its
#                                   p99 at 0.3x (open loop, Poisson; about 5 minutes; --help)
#   load-tests/run.sh openai        latency the OpenAI-compatible HTTP surface adds over the gRPC API
#   load-tests/run.sh hop [OPTIONS] what a hop costs: raw grpc-java echo, worker (echo model), gateway; unary and
#                                   streaming, 1 and 64 in flight (--quick: a short run; --jfr: profiles; see HopBenchmark);
#                                   --baseline REV[,REV...]: the servers as of each git revision (built with this
#                                   checkout's load-tests) measured side by side with this build's
# GOLDILOCKS_DEVICE=cuda:0 runs the models on that GPU (builds with -Pcuda; batching benchmark only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: load-tests/run.sh foundation|router|tokens|batching|decision-log|decision-log-overhead|capacity|overload|openai|hop}
shift
case "$name" in
  foundation) main=dev.goldilocks.loadtests.FoundationBenchmark ;;
  router) main=dev.goldilocks.loadtests.RouterBenchmark ;;
  batching) main=dev.goldilocks.loadtests.BatchingBenchmark ;;
  decision-log) main=dev.goldilocks.loadtests.DecisionLogBenchmark ;;
  capacity) main=dev.goldilocks.loadtests.loadgen.CapacityCommand ;;
  overload) main=dev.goldilocks.loadtests.loadgen.OverloadCommand ;;
  openai) main=dev.goldilocks.loadtests.OpenAiOverheadBenchmark ;;
  tokens) main=dev.goldilocks.loadtests.TokenBenchmark ;;
  decision-log-overhead) main=dev.goldilocks.loadtests.DecisionLogOverheadBenchmark ;;
  hop) main=dev.goldilocks.loadtests.hop.HopBenchmark ;;
  *) echo "unknown benchmark: $name" >&2; exit 2 ;;
esac
device=${GOLDILOCKS_DEVICE:-cpu}
profile=()
[[ $device == cuda:* ]] && profile=(-Pcuda)
cd "$root"
# the reactor builds every module from this checkout; nothing is installed into ~/.m2
mvn -q -B "${profile[@]}" -DskipTests package
run=(java -Dgoldilocks.models="$root/models" -Dgoldilocks.device="$device"
  -cp "$root/load-tests/target/goldilocks-load-tests.jar" "$main")
if [ "$name" = hop ]; then
  # --baseline REV[,REV...]: each revision's modules, built in load-tests/target/baselines/REV with this checkout's
  # load-tests (the same harness), run beside this build's servers (--compare NAME=JAR)
  args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = --baseline ]; then
      IFS=, read -ra revs <<< "$2"
      shift 2
      for rev in "${revs[@]}"; do
        dir="$root/load-tests/target/baselines/$rev"
        if [ ! -f "$dir/load-tests/target/goldilocks-load-tests.jar" ]; then
          rm -rf "$dir" && mkdir -p "$dir"
          git -C "$root" archive "$rev" -- . ':(exclude)models' | tar -x -C "$dir"
          rm -rf "$dir/load-tests" && mkdir -p "$dir/load-tests"
          cp -r "$root/load-tests/pom.xml" "$root/load-tests/src" "$dir/load-tests/"
          (cd "$dir" && mvn -q -B -DskipTests -pl load-tests -am package)
        fi
        args+=(--compare "$rev=$dir/load-tests/target/goldilocks-load-tests.jar")
      done
    else
      args+=("$1")
      shift
    fi
  done
  exec "${run[@]}" "$root/load-tests/results" "${args[@]}"
fi
if [ "$name" = capacity ] || [ "$name" = overload ]; then
  GOLDILOCKS_MODELS="$root/models" GOLDILOCKS_RESULTS="$root/load-tests/results" exec "${run[@]}" "$@"
fi
exec "${run[@]}" "$root/load-tests/results" "$@"
