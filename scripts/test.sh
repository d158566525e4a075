#!/usr/bin/env bash
# Runs the whole test suite: every Rust test (unit tests, the official spec
# testsuite in tests/spec.rs, the C tests driver) in release mode.
#
# Every test binary runs even when an earlier one fails (--no-fail-fast), so
# the output always ends with each runner's closing line: cargo's
# `test result:` lines and the spec runner's `spec: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --release --no-fail-fast "$@"
