#!/usr/bin/env python3
"""Runs a function saved by tests/fuzz_locals.rs in wasmtime (a third
engine) to decide whether brisk or wasmi is wrong.

usage: triage_locals.py target/fuzz-failures/locals-SEED-fF-cC-SEED.wasm

The module's `main` calls the function with the arguments of the failing
call and stores its results to memory `mem`, 16 bytes apart; the `.txt`
beside it names the result types. Prints the results in the test's format
(`type:hex`), to compare with the `brisk` and `wasmi` lines of the report.
(`pip install wasmtime`.)
"""
import sys

import wasmtime

SIZES = {"i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16}


def main(path):
    types = open(path[: -len(".wasm")] + ".txt").read().split()
    config = wasmtime.Config()
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, path)
    instance = wasmtime.Instance(store, module, [])
    exports = instance.exports(store)
    exports["main"](store)
    mem = exports["mem"].read(store, 0, 16 * max(1, len(types)))
    words = []
    for k, ty in enumerate(types):
        raw = mem[16 * k : 16 * k + SIZES[ty]]
        words.append(f"{ty}:{int.from_bytes(raw, 'little'):x}")
    print("wasmtime " + " ".join(words))


if __name__ == "__main__":
    main(sys.argv[1])
