#!/usr/bin/env bash
# Groups the spec testsuite's failures by cause, most frequent first: each
# failure message with its numbers replaced by N, how often it occurs, and
# the first place it occurs (<set>/<file> line:col). A triage aid.
#
#   scripts/spec-failures.sh                  # wasm-v1 and wasm-v2
#   SPEC_SETS=wasm-v1 scripts/spec-failures.sh
#   SPEC_TEST=spec_capi scripts/spec-failures.sh   # through wasm.h
#   scripts/spec-failures.sh saved-output.txt # group a saved SPEC_VERBOSE=1 run
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -gt 0 ]]; then
    cat "$1"
else
    SPEC_VERBOSE=1 cargo test --release --quiet --test "${SPEC_TEST:-spec}" 2>/dev/null || true
fi | awk '
    /^not run:/ { finished = 1 }
    finished { next }
    /^(PASS|FAIL) / { file = $2; sub(/:$/, "", file); next }
    /^    note / || / directive\(s\) did not run$/ { next }
    /^    [0-9]+:[0-9]+: / || /^    [a-z0-9]/ {
        line = $0; sub(/^    /, "", line)
        where = ""
        if (match(line, /^[0-9]+:[0-9]+: /)) {
            where = substr(line, 1, RLENGTH - 2); line = substr(line, RLENGTH + 1)
        }
        key = line
        gsub(/0x[0-9a-f]+/, "N", key); gsub(/-?[0-9]+(\.[0-9]+)?/, "N", key)
        count[key]++
        if (!(key in example)) example[key] = file " " where
    }
    END {
        for (k in count) printf "%6d  %s\n        e.g. %s\n", count[k], k, example[k]
    }
' | paste - - | sort -rn | tr '\t' '\n'
