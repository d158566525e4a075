#!/usr/bin/env bash
# Builds libbrisk (release) and runs a real host program against it: the C
# program examples/hello.c, compiled against the standard header in include/
# and linked with the static library, loading examples/hello.wasm.
# (examples/hello.rs shows the same through the Rust API:
# `cargo run --release --example hello`.)
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"

cargo build --release --lib

out="$target_dir/release/examples"
mkdir -p "$out"
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Iinclude examples/hello.c \
    "$target_dir/release/libbrisk.a" -lpthread -ldl -lm \
    -o "$out/hello-c"
"$out/hello-c" examples/hello.wasm
