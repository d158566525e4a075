#!/usr/bin/env python3
"""Runs the WASI test cases (tests/wasi/cases.txt) through wasmtime's WASI
(the `wasmtime` Python package) and through the `brisk` binary, and compares
their standard output, standard error and exit status with each other and
with the expected files tests/wasi/<case>.stdout/.stderr.

    scripts/wasi-compare.py [--brisk PATH] [--write-expected] [CASE...]

--write-expected rewrites the expected files from wasmtime's output (the
reference). Kept out of `cargo test` so that the test suite does not need
Python; tests/wasi.rs checks brisk against the same expected files.
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile

import wasmtime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WASI = os.path.join(ROOT, "tests", "wasi")
TRAP_EXIT = 134


def parse_cases():
    cases, current = {}, None
    with open(os.path.join(WASI, "cases.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                current = cases.setdefault(line.strip("[]"), {})
            else:
                key, _, value = line.partition("=")
                current[key.strip()] = value.strip()
    return cases


def make_fixture(kind, tmp):
    """The directory preopened as /sandbox (the same layout as tests/wasi.rs)."""
    sandbox = os.path.join(tmp, "sandbox")
    os.makedirs(os.path.join(sandbox, "sub"))
    if kind == "escape":
        outside = os.path.join(tmp, "outside.txt")
        with open(outside, "w") as f:
            f.write("outside secret\n")
        with open(os.path.join(sandbox, "inside.txt"), "w") as f:
            f.write("inside data\n")
        os.symlink("../outside.txt", os.path.join(sandbox, "escape"))
        os.symlink(outside, os.path.join(sandbox, "abs_escape"))
        os.symlink("inside.txt", os.path.join(sandbox, "ok"))
        os.symlink("..", os.path.join(sandbox, "dir_escape"))
    else:
        os.rmdir(os.path.join(sandbox, "sub"))
    return sandbox


def run_wasmtime(case, sandbox, tmp):
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, os.path.join(WASI, case["wasm"]))
    cfg = wasmtime.WasiConfig()
    cfg.argv = [case["wasm"]] + shlex.split(case.get("args", ""))
    cfg.env = [tuple(kv.split("=", 1)) for kv in shlex.split(case.get("env", ""))]
    out, err = os.path.join(tmp, "wt.out"), os.path.join(tmp, "wt.err")
    cfg.stdout_file, cfg.stderr_file = out, err
    cfg.stdin_file = os.path.join(WASI, case["stdin"]) if "stdin" in case else os.devnull
    if sandbox:
        cfg.preopen_dir(sandbox, "/sandbox")
    store.set_wasi(cfg)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    status = 0
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        status = e.code
    except wasmtime.Trap:
        status = TRAP_EXIT
    del store
    return status, open(out, "rb").read(), open(err, "rb").read()


def run_brisk(brisk, case, sandbox):
    cmd = [brisk, "run"]
    for kv in shlex.split(case.get("env", "")):
        cmd += ["--env", kv]
    if sandbox:
        cmd += ["--dir", sandbox + "::/sandbox"]
    cmd += [case["wasm"]] + shlex.split(case.get("args", ""))
    stdin = open(os.path.join(WASI, case["stdin"]), "rb") if "stdin" in case else subprocess.DEVNULL
    p = subprocess.run(cmd, cwd=WASI, stdin=stdin, capture_output=True)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--brisk", default=os.path.join(ROOT, "target", "release", "brisk"))
    ap.add_argument("--write-expected", action="store_true")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()
    failures = 0
    for name, case in parse_cases().items():
        if opts.cases and name not in opts.cases:
            continue
        expected_status = TRAP_EXIT if case.get("exit") == "trap" else int(case.get("exit", "0"))
        results = {}
        for engine in ("wasmtime", "brisk"):
            with tempfile.TemporaryDirectory() as tmp:
                sandbox = make_fixture(case["fixture"], tmp) if "fixture" in case else None
                if engine == "wasmtime":
                    results[engine] = run_wasmtime(case, sandbox, tmp)
                else:
                    results[engine] = run_brisk(opts.brisk, case, sandbox)
        (ws, wout, werr), (bs, bout, berr) = results["wasmtime"], results["brisk"]
        problems = []
        if ws != expected_status:
            problems.append(f"wasmtime exited {ws}, expected {expected_status}")
        if bs != expected_status:
            problems.append(f"brisk exited {bs}, expected {expected_status}")
        if wout != bout:
            problems.append(f"stdout differs:\n--- wasmtime\n{wout.decode(errors='replace')}--- brisk\n{bout.decode(errors='replace')}")
        # A trap's report goes to stderr and is worded by each engine.
        if case.get("exit") != "trap" and werr != berr:
            problems.append(f"stderr differs:\n--- wasmtime\n{werr.decode(errors='replace')}--- brisk\n{berr.decode(errors='replace')}")
        stdout_file = os.path.join(WASI, name + ".stdout")
        stderr_file = os.path.join(WASI, name + ".stderr")
        if opts.write_expected:
            open(stdout_file, "wb").write(wout)
            if werr and case.get("exit") != "trap":
                open(stderr_file, "wb").write(werr)
        else:
            if not os.path.exists(stdout_file) or open(stdout_file, "rb").read() != bout:
                problems.append(f"brisk's stdout differs from {os.path.relpath(stdout_file, ROOT)}")
            if os.path.exists(stderr_file) and open(stderr_file, "rb").read() != berr:
                problems.append(f"brisk's stderr differs from {os.path.relpath(stderr_file, ROOT)}")
        if problems:
            failures += 1
            print(f"FAIL {name}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            print(f"ok   {name} (exit {bs}, {len(bout)} bytes of stdout, same as wasmtime)")
    print(f"{failures} case(s) failed" if failures else "all cases agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
