#!/usr/bin/env bash
# Builds the brisk library (release) and runs a real host program against it.
#
# The host is the C example examples/hello.c, compiled against include/wasm.h
# and linked with libbrisk, when the C API is present; otherwise the Rust
# example examples/hello.rs, which uses the same engine through the Rust API.
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir="${CARGO_TARGET_DIR:-target}"

cargo build --release --lib

if [[ -f examples/hello.c && -f include/wasm.h ]]; then
    out="$target_dir/release/examples"
    mkdir -p "$out"
    "${CC:-cc}" -O2 -Wall -Wextra -Iinclude examples/hello.c \
        -L"$target_dir/release" -lbrisk -Wl,-rpath,"$PWD/$target_dir/release" \
        -o "$out/hello-c"
    "$out/hello-c"
else
    cargo run --release --quiet --example hello
fi
