#!/usr/bin/env python3
"""Replays a differential failure in wasmtime (a third engine) to decide
whether brisk or wasmi is wrong.

usage: triage.py target/fuzz-failures/differential-SEED.txt

Reads the module next to the report (.wasm), instantiates it in wasmtime
with the same imports as the harness (host functions computing `host_results`)
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


M64 = 2**64 - 1


def host_id(module, name):
    """The harness's identity of an import: FNV-1a of module, 0xff, name."""
    h = 0xcbf29ce484222325
    for b in module.encode() + b"\xff" + name.encode():
        h = ((h ^ b) * 0x100000001b3) & M64
    return h


def rotl(x, n):
    n %= 64
    return ((x << n) | (x >> (64 - n))) & M64 if n else x


def bits(kind, v):
    if kind == "i32":
        return v & 0xffffffff
    if kind == "i64":
        return v & M64
    if kind == "f32":
        return struct.unpack("<I", struct.pack("<f", v))[0]
    if kind == "f64":
        return struct.unpack("<Q", struct.pack("<d", v))[0]
    return 0 if v is None else 1


def host_func(store, ident, ty):
    """A host function computing what the harness's `host_results` does."""
    params = [str(t) for t in ty.params]
    results = [str(t) for t in ty.results]

    def call(*args):
        h = 0x9e3779b97f4a7c15 ^ ident
        for kind, a in zip(params, args):
            h = rotl(((h ^ bits(kind, a)) * 0x100000001b3) & M64, 17)
        if h % 16 == 0:
            raise wasmtime.Trap("host trap")
        out = []
        for i, kind in enumerate(results):
            r = rotl(h, i * 13)
            if kind == "i32":
                x = r & 0xffffffff
                out.append(x - 2**32 if x >= 2**31 else x)
            elif kind == "i64":
                out.append(r - 2**64 if r >= 2**63 else r)
            elif kind == "f32":
                f = struct.unpack("<f", struct.pack("<I", r & 0xffffffff))[0]
                out.append(0.0 if f != f else f)
            elif kind == "f64":
                f = struct.unpack("<d", struct.pack("<Q", r))[0]
                out.append(0.0 if f != f else f)
            else:
                out.append(None)
        if len(out) == 1:
            return out[0]
        return out if out else None

    return wasmtime.Func(store, ty, call)


def imports_for(store, module):
    out = []
    for imp in module.imports:
        ty = imp.type
        if isinstance(ty, wasmtime.FuncType):
            out.append(host_func(store, host_id(imp.module, imp.name or ""), ty))
        elif isinstance(ty, wasmtime.GlobalType):
            zero = {
                "i32": wasmtime.Val.i32(0),
                "i64": wasmtime.Val.i64(0),
                "f32": wasmtime.Val.f32(0.0),
                "f64": wasmtime.Val.f64(0.0),
            }.get(str(ty.content))
            if zero is None:
                zero = wasmtime.Val.funcref(None) if str(ty.content) == "funcref" else wasmtime.Val.externref(None)
            out.append(wasmtime.Global(store, ty, zero))
        elif isinstance(ty, wasmtime.MemoryType):
            out.append(wasmtime.Memory(store, ty))
        elif isinstance(ty, wasmtime.TableType):
            out.append(wasmtime.Table(store, ty, None))
    return out


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
        instance = wasmtime.Instance(store, module, imports_for(store, module))
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
    # usage: triage.py REPORT [OFFSET]: OFFSET (hex) shows 16 bytes of memory there.
    at = int(sys.argv[2], 16) if len(sys.argv) > 2 else None
    for n in names:
        e = exports[n]
        if isinstance(e, wasmtime.Global) and n != "__fuzz_fuel":
            print(f"global {n!r} =", show(e.value(store)))
        if isinstance(e, wasmtime.Table):
            print(f"table {n!r}: size {e.size(store)}")
        if isinstance(e, wasmtime.Memory) and at is not None:
            data = e.read(store, at, at + 16)
            print(f"memory {n!r} at {at:#x}:", data.hex(" "))


if __name__ == "__main__":
    main()
