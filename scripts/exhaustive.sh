#!/usr/bin/env bash
# The full exhaustive enumeration of small bodies over locals, the value
# stack, branches and calls (tests/exhaustive_locals.rs), sharded over the
# cores. Not part of scripts/test.sh, which runs the slice of up to 4 tokens.
#
#   scripts/exhaustive.sh          # bodies of up to 6 tokens (about 33 million)
#   EXHAUSTIVE_LEN=5 scripts/exhaustive.sh
#
# Each shard prints its closing line `exhaustive: N bodies ..., D diverged`;
# the script sums them and exits non-zero if any shard failed.
set -uo pipefail
cd "$(dirname "$0")/.."

export EXHAUSTIVE_LEN="${EXHAUSTIVE_LEN:-6}"
shards="${SHARDS:-$(nproc)}"
cargo test --release --test exhaustive_locals --no-run >/dev/null 2>&1 \
    || cargo test --release --test exhaustive_locals --no-run
logs="$(mktemp -d)"
pids=()
for ((i = 0; i < shards; i++)); do
    EXHAUSTIVE_SHARD="$i/$shards" cargo test --release --test exhaustive_locals \
        -- --nocapture >"$logs/$i.log" 2>&1 &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
grep -h '^exhaustive: [0-9]' "$logs"/*.log
grep -h -A40 'disagree' "$logs"/*.log | head -80
awk '/^exhaustive: [0-9]/ {
         b += $2
         for (i = 3; i <= NF; i++) {
             if ($i ~ /^calls,?$/) c += $(i - 1)
             if ($i == "diverged") d += $(i - 1)
             if ($i == "in") w += $(i + 1)
         }
     }
     END { printf "exhaustive total: %d bodies of up to %s tokens, %d calls, %d diverged (wasmi alone wrong in %d)\n", b, ENVIRON["EXHAUSTIVE_LEN"], c, d, w }' \
    "$logs"/*.log
echo "logs: $logs"
exit $status
