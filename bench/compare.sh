#!/usr/bin/env bash
# Interleaved A/B runs of a cluster harness: the Release build of this checkout against another
# checkout's solidb.dll (SOLIDB_BENCH_BINARY), one run each in turn, so both see the same machine.
#   bench/compare.sh BASELINE_SOLIDB_DLL ROUNDS HARNESS [harness args...]
#   e.g. bench/compare.sh /work/wt-base/src/Solidb.Node/bin/Release/net10.0/solidb.dll 5 startup 1
# Prints each run's output prefixed with "base" or "new". Build both checkouts in Release first.
set -euo pipefail
base=$1; rounds=$2; shift 2
cd "$(dirname "$0")/.."
for ((i = 1; i <= rounds; i++)); do
  SOLIDB_BENCH_BINARY="$base" dotnet run -c Release --no-build --project bench/Solidb.Benchmarks -- "$@" 2>/dev/null | grep -v '^\[' | sed "s/^/base $i: /"
  SOLIDB_BENCH_BINARY= dotnet run -c Release --no-build --project bench/Solidb.Benchmarks -- "$@" 2>/dev/null | grep -v '^\[' | sed "s/^/new  $i: /"
done
