#!/usr/bin/env bash
# Installs libbrisk for C hosts under a prefix:
#   <prefix>/include/wasm.h (brisk.h, wasi.h, wasm.hh) the headers
#   <prefix>/lib/libbrisk.a, libbrisk.so      the libraries
#   <prefix>/lib/cmake/brisk/                 find_package(brisk) -> brisk::brisk
#   <prefix>/lib/pkgconfig/brisk.pc           pkg-config --cflags --libs brisk
#   <prefix>/bin/brisk                        the command (brisk run/compile/validate/inspect)
#
#   scripts/install.sh /usr/local          # builds the release library first
#   BRISK_LIB_DIR=dir scripts/install.sh p # installs already-built libraries from dir
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:?usage: scripts/install.sh <prefix>}"
if [[ -z "${BRISK_LIB_DIR:-}" ]]; then
    cargo build --release --lib --bin brisk
    BRISK_LIB_DIR="${CARGO_TARGET_DIR:-target}/release"
fi
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"

mkdir -p "$prefix/include" "$prefix/lib/cmake/brisk" "$prefix/lib/pkgconfig" "$prefix/bin"
prefix="$(cd "$prefix" && pwd)"
install -m 644 include/*.h include/*.hh "$prefix/include/"
install -m 644 "$BRISK_LIB_DIR/libbrisk.a" "$prefix/lib/"
install -m 755 "$BRISK_LIB_DIR/libbrisk.so" "$prefix/lib/"
if [[ -x "$BRISK_LIB_DIR/brisk" ]]; then
    install -m 755 "$BRISK_LIB_DIR/brisk" "$prefix/bin/"
fi
install -m 644 cmake/brisk-config.cmake cmake/brisk-config-version.cmake "$prefix/lib/cmake/brisk/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" cmake/brisk.pc.in \
    >"$prefix/lib/pkgconfig/brisk.pc"
echo "installed brisk $version under $prefix"
