#!/bin/sh
# Rebuilds the WASI test programs tests/wasi/*.c into the checked-in
# tests/wasi/*.wasm, so that `cargo test --test wasi` runs without a wasm
# toolchain. Needs clang with the wasm32 target, wasm-ld (lld) and a
# wasi-libc sysroot; on Debian/Ubuntu:
#   apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
# CC and WASI_SYSROOT override the compiler and the sysroot.
set -eu
cd "$(dirname "$0")/../tests/wasi"
CC=${CC:-clang}
SYSROOT_FLAG=
if [ -n "${WASI_SYSROOT:-}" ]; then
    SYSROOT_FLAG="--sysroot=$WASI_SYSROOT"
fi
for src in *.c; do
    out="${src%.c}.wasm"
    # -O1: small and quick to compile, but the code still looks like real
    # clang output; --strip-debug keeps the names for backtraces.
    # shellcheck disable=SC2086
    "$CC" --target=wasm32-wasi $SYSROOT_FLAG -O1 -Wall -Wno-unused-result \
        -Wl,--strip-debug -o "$out" "$src"
    echo "built tests/wasi/$out ($(wc -c < "$out") bytes)"
done
