#!/usr/bin/env bash
# Benchmarks brisk side by side with wasmtime (Cranelift and Winch) and wasmi, through one C
# harness written against the standard wasm.h (benches/harness/), and prints one table per
# workload: compile throughput, compute kernels, boundary crossings, instantiation.
#
#   scripts/bench.sh                     everything; writes the tables to target/bench-engines/results.md
#   scripts/bench.sh --quick             one repetition of everything (a smoke run)
#   scripts/bench.sh --engines brisk,winch --workloads kernels --kernels fib,sieve
#                                        (engines: brisk cranelift winch wasmi liftoff)
#   scripts/bench.sh --clock wall        tables in wall-clock time (default: process CPU time,
#                                        steadier on a shared machine; see benches/RESULTS.md)
#   scripts/bench.sh --build-only        build the engines and harness binaries, run nothing
#
# The other engines are built on demand, once, into target/bench-engines/ (BENCH_CACHE to move
# it): they are not part of brisk's dependency graph and take several minutes to build on two
# cores. The large real-world modules for the compile workload (esbuild, swc) come from the npm
# registry into the same cache. brisk itself is built in release mode into CARGO_TARGET_DIR.
# benches/RESULTS.md holds the figures measured with this script and how to read them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

engines=
workloads=compile,kernels,boundary,instantiate
kernels=
quick=
build_only=
clock=cpu
while [ $# -gt 0 ]; do
    case "$1" in
        --engines) engines=$2; shift 2 ;;
        --workloads) workloads=$2; shift 2 ;;
        --kernels) kernels=$2; shift 2 ;;
        --quick) quick=--quick; shift ;;
        --clock) clock=$2; shift 2 ;;
        --build-only) build_only=1; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

# V8's Liftoff (through node, not wasm.h) joins the compile and kernel tables as a reference
# when node is installed.
if [ -z "$engines" ]; then
    engines=brisk,cranelift,winch,wasmi
    if command -v node >/dev/null; then engines+=,liftoff; fi
fi

cache=${BENCH_CACHE:-$root/target/bench-engines}
brisk_target=${CARGO_TARGET_DIR:-$root/target}
bin=$cache/bin
wasm=$cache/wasm
mkdir -p "$bin" "$wasm" "$cache/modules"
cc=${CC:-cc}
cflags=(-std=c11 -O2 -g -Wall -Wextra -Werror)
libs=(-lpthread -ldl -lm)

wants() { case ",$engines," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
step() { printf '== %s\n' "$*" >&2; }

# The include directory that a C API crate's build script reports (`cargo:include=DIR`), from
# the newest build of that crate in TARGET.
reported_include() {
    local target=$1 crate=$2 out
    out=$(ls -t "$target"/release/build/"$crate"-*/output 2>/dev/null | while read -r f; do
        grep -m1 '^cargo:include=' "$f" && break; done | head -n1)
    [ -n "$out" ] || { echo "bench.sh: no include dir reported by $crate in $target" >&2; exit 1; }
    echo "${out#cargo:include=}"
}

# --- the WAT modules ------------------------------------------------------------------------
step "wat2wasm (benches/tools/wat2wasm)"
cargo build --quiet --release --manifest-path benches/tools/wat2wasm/Cargo.toml \
    --target-dir "$cache/tools"
for f in benches/kernels/*.wat benches/modules/*.wat; do
    name=$(basename "$f" .wat)
    if [ ! -f "$wasm/$name.wasm" ] || [ "$f" -nt "$wasm/$name.wasm" ]; then
        "$cache/tools/release/bench-wat2wasm" "$f" "$wasm/$name.wasm"
    fi
done

# --- the engines and one harness binary per library -------------------------------------------
harness=(benches/harness/bench.c)
brisk_rev="brisk not built"
probe=()
if wants brisk; then
    step "brisk (release, $brisk_target)"
    cargo build --quiet --release --lib
    # Several people share this work tree: say what was built, uncommitted edits included.
    brisk_rev="brisk $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')"
    git diff --quiet HEAD -- src 2>/dev/null || brisk_rev+=" with uncommitted changes in src/"
    "$cc" "${cflags[@]}" -Iinclude "${harness[@]}" benches/harness/engine_brisk.c \
        "$brisk_target/release/libbrisk.a" "${libs[@]}" -o "$bin/bench-brisk"
    # brisk's compile phases (decode / validate / compile) and disassembly, for the write-up.
    step "brisk-probe (benches/tools/brisk-probe)"
    cargo build --quiet --release --manifest-path benches/tools/brisk-probe/Cargo.toml \
        --target-dir "$brisk_target"
    probe=(--probe "$brisk_target/release/brisk-probe")
fi
if wants cranelift || wants winch; then
    step "wasmtime C API (benches/engines/wasmtime; minutes on the first build)"
    cargo build --quiet --release --manifest-path benches/engines/wasmtime/Cargo.toml \
        --target-dir "$cache/wasmtime"
    inc=$(reported_include "$cache/wasmtime" wasmtime-c-api-impl)
    "$cc" "${cflags[@]}" -I"$inc" "${harness[@]}" benches/harness/engine_wasmtime.c \
        "$cache/wasmtime/release/libbench_engine_wasmtime.a" "${libs[@]}" -o "$bin/bench-wasmtime"
fi
if wants wasmi; then
    step "wasmi C API (benches/engines/wasmi)"
    cargo build --quiet --release --manifest-path benches/engines/wasmi/Cargo.toml \
        --target-dir "$cache/wasmi"
    inc=$(reported_include "$cache/wasmi" wasmi_c_api_impl)
    "$cc" "${cflags[@]}" -I"$inc" "${harness[@]}" benches/harness/engine_wasmi.c \
        "$cache/wasmi/release/libbench_engine_wasmi.a" "${libs[@]}" -o "$bin/bench-wasmi"
fi

# --- large real-world modules (npm registry), for compile throughput ---------------------------
compile_modules=()
case ",$workloads," in *,compile,*)
    fetch() { # package@version, file inside the package, name in the cache
        local pkg=$1 inner=$2 name=$3
        if [ ! -f "$cache/modules/$name" ]; then
            step "fetching $pkg"
            local tmp
            tmp=$(mktemp -d)
            (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
            tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$inner"
            mv "$tmp/package/$inner" "$cache/modules/$name"
            rm -rf "$tmp"
        fi
        compile_modules+=("$cache/modules/$name")
    }
    fetch esbuild-wasm@0.28.2 esbuild.wasm esbuild-0.28.2.wasm
    fetch @swc/wasm@1.16.18 wasm_bg.wasm swc-1.16.18.wasm
    ;;
esac

[ -z "$build_only" ] || exit 0

step "running: engines=$engines workloads=$workloads"
python3 benches/run.py --bin-dir "$bin" --wasm-dir "$wasm" --kernels-dir benches/kernels \
    --engines "$engines" --workloads "$workloads" --kernels "$kernels" $quick --clock "$clock" \
    --note "$brisk_rev, built $(date -u '+%Y-%m-%d %H:%M UTC')" \
    "${probe[@]}" --compile-modules "${compile_modules[@]}" --markdown "$cache/results.md"
echo "tables written to $cache/results.md" >&2
