#!/usr/bin/env bash
# Interleaved A/B runs of a cluster harness: the Release build of this checkout against another
# checkout's solidb.dll (SOLIDB_BENCH_BINARY), one run each in turn, so both see the same machine.
# The order alternates (base first in odd rounds, new first in even ones), so whatever the first or
# second run of a pair has in common cancels out over an even number of rounds.
#   bench/compare.sh BASELINE_SOLIDB_DLL ROUNDS HARNESS [harness args...]
#   e.g. bench/compare.sh /work/wt-base/src/Solidb.Node/bin/Release/net10.0/solidb.dll 4 startup 1
# Prints each run's output prefixed with "base" or "new". Build both checkouts in Release first.
# With SAMPLES_DIR=DIR, a harness that keeps its samples (rtt) appends them to DIR/base and DIR/new,
# and the pooled percentiles of each side are printed at the end (`-- pooled`).
# An A/A check (a copy of this checkout's own build as the baseline) shows the harness's own spread.
set -euo pipefail
base=$1; rounds=$2; shift 2
cd "$(dirname "$0")/.."
run() { # run LABEL BINARY ROUND HARNESS-ARGS...
  local label=$1 binary=$2 round=$3; shift 3
  SOLIDB_BENCH_SAMPLES="${SAMPLES_DIR:+$SAMPLES_DIR/${label// /}}" SOLIDB_BENCH_BINARY="$binary" dotnet run -c Release --no-build --project bench/Solidb.Benchmarks -- "$@" 2>/dev/null | grep -v '^\[' | sed "s/^/$label $round: /"
}
for ((i = 1; i <= rounds; i++)); do
  if ((i % 2 == 1)); then
    run base "$base" "$i" "$@"; run "new " "" "$i" "$@"
  else
    run "new " "" "$i" "$@"; run base "$base" "$i" "$@"
  fi
done
if [[ -n "${SAMPLES_DIR:-}" ]]; then
  dotnet run -c Release --no-build --project bench/Solidb.Benchmarks -- pooled "$SAMPLES_DIR/base" "$SAMPLES_DIR/new" 2>/dev/null | sed "s/^/pooled: /"
fi
