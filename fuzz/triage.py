#!/usr/bin/env python3
"""Replays a differential failure in wasmtime (a third engine) to decide
whether brisk or wasmi is wrong.

usage: triage.py target/fuzz-failures/differential-SEED.txt

Reads the module next to the report (.wasm), instantiates it in wasmtime
(`pip install wasmtime`), and replays the `call` lines of the report with
the fuel global refilled before each call, printing each outcome and the
exported globals after the last call; compare with the report's first line.
"""
import struct
import sys

import wasmtime

FUEL = 500


def arg(token):
    ty, val = token.split(":")
    if ty == "i32":
        return int(val)
    if ty == "i64":
        return int(val)
    if ty == "f32":
        return struct.unpack("<f", struct.pack("<I", int(val) & 0xffffffff))[0]
    if ty == "f64":
        return struct.unpack("<d", struct.pack("<Q", int(val) & (2**64 - 1)))[0]
    return None


def show(v):
    if isinstance(v, float):
        return f"{v!r} (f64 bits {struct.unpack('<Q', struct.pack('<d', v))[0]})"
    return repr(v)


def main():
    report = sys.argv[1]
    lines = open(report).read().splitlines()
    print("report:", lines[0][:300])
    wasm = report[: -len(".txt")] + ".wasm"
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, wasm)
    try:
        instance = wasmtime.Instance(store, module, [])
    except Exception as e:  # a trap during instantiation
        print("instantiation:", str(e).splitlines()[-1])
        return
    exports = instance.exports(store)
    names = [e.name for e in module.exports]
    for line in lines[1:]:
        if not line.startswith("call "):
            continue
        parts = line.split()
        name = "" if parts[1] == "-" else bytes.fromhex(parts[1]).decode()
        args = [arg(t) for t in parts[2:]]
        if "__fuzz_fuel" in names:
            exports["__fuzz_fuel"].set_value(store, FUEL)
        try:
            r = exports[name](store, *args)
            print(f"call {name!r}: ->", show(r) if not isinstance(r, list) else [show(x) for x in r])
        except wasmtime.Trap as e:
            why = [l.strip() for l in str(e).splitlines() if "wasm trap" in l]
            print(f"call {name!r}: trap:", why[-1] if why else str(e).splitlines()[0])
        except Exception as e:
            print(f"call {name!r}: error:", str(e).splitlines()[-1])
    for n in names:
        e = exports[n]
        if isinstance(e, wasmtime.Global) and n != "__fuzz_fuel":
            print(f"global {n!r} =", show(e.value(store)))


if __name__ == "__main__":
    main()
