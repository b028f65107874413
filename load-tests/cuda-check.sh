#!/usr/bin/env bash
# The GPU node check: builds with -Pcuda (onnxruntime_gpu; needs the NVIDIA driver, CUDA 12.x and cuDNN 9.x)
# and measures the generic model on cuda:0 against the CPU -> load-tests/results/cuda.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mvn -q -B -Pcuda -DskipTests package
java -Dgoldilocks.models="$root/models" -cp "$root/load-tests/target/goldilocks-load-tests.jar" \
  dev.goldilocks.loadtests.CudaCheck "$root/load-tests/results"
