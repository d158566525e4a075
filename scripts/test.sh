#!/usr/bin/env bash
# Runs the whole test suite in release mode:
#   1. every Rust test: unit tests, the official spec testsuite through the
#      Rust API (tests/spec.rs) and through wasm.h (tests/spec_capi.rs), the
#      C tests driver, the runtime tests;
#   2. the spec testsuite again with explicit bounds checks instead of guard
#      pages (the engine's other memory mode), final line `spec-explicit: …`.
#
# Every test binary runs even when an earlier one fails (--no-fail-fast), so
# the output always has each runner's closing line: cargo's `test result:`
# lines and the spec runner's `spec: N passed, N failed`. Extra arguments go
# to the first cargo test (e.g. `scripts/test.sh --test spec`).
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
cargo test --release --no-fail-fast "$@" || status=1
SPEC_BOUNDS_CHECKS=explicit cargo test --release --test spec || status=1
exit $status
