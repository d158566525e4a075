#!/usr/bin/env python3
"""Runs the benchmark harness for every engine and prints one table per workload.

Called by scripts/bench.sh once everything is built; see that script for the knobs. Each engine
is the same C program (benches/harness/) linked with a different library, so every figure goes
through the same wasm.h calls. Each row runs the engines one after another (round robin), and
every figure is the median of several timed repetitions inside one process. Times are noisy on
a shared machine: the ratios are what to read.
"""

import argparse
import math
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Engine:
    key: str  # short name used on the command line and in tables
    command: list  # the harness program (and its fixed arguments)
    env: dict = field(default_factory=dict)
    # Kernel repetitions for this engine (an interpreter gets fewer: it is ten times slower).
    kernel_runs: int = 5
    compile_runs: int = 5
    # Workloads it can run: the V8 reference is not a wasm.h engine and has no host crossings.
    workloads: tuple = ("compile", "compile-parallel", "kernels", "boundary", "instantiate")


# V8's Liftoff through node, for reference: eager, single-threaded, never tiering up to TurboFan.
V8_LIFTOFF_FLAGS = ["--liftoff", "--liftoff-only", "--no-wasm-tier-up", "--no-wasm-dynamic-tiering",
                    "--no-wasm-lazy-compilation", "--single-threaded"]


def able(engines, workload):
    return [e for e in engines if workload in e.workloads]


def parse_line(text):
    """The harness prints one line of key=value pairs; returns them as a dict of strings."""
    lines = [l for l in text.splitlines() if l.startswith("engine=")]
    if len(lines) != 1:
        raise RuntimeError(f"unexpected harness output: {text!r}")
    return dict(pair.split("=", 1) for pair in lines[0].split())


# Which of the harness's two clocks the tables use: "cpu" (process CPU time) or "wall".
CLOCK = "cpu"


def figure(out, key):
    """The median of `key` from a harness line, on the selected clock."""
    return float(out[f"{key}_cpu_median" if CLOCK == "cpu" else f"{key}_median"])


def run_harness(engine, args, extra_env=None, timeout=3600):
    env = dict(os.environ)
    env.update(engine.env)
    if extra_env:
        env.update(extra_env)
    cmd = engine.command + [str(a) for a in args]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        return None, f"exit {proc.returncode}: {proc.stderr.strip()[:300]}"
    return parse_line(proc.stdout), None


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt(value, digits=2):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def fmt_ratio(value):
    return "–" if value is None else f"{value:.2f}×"


class Report:
    """Collects markdown tables; prints each as it is finished."""

    def __init__(self):
        self.sections = []

    def table(self, title, note, header, rows):
        lines = [f"### {title}", ""]
        if note:
            lines += [note, ""]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "|".join(" --- " for _ in header) + "|")
        for row in rows:
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        text = "\n".join(lines)
        self.sections.append(text)
        print(text, flush=True)


def kernel_specs(wasm_dir, kernels_dir, only):
    """(name, wasm path, arg, expected result) for every benches/kernels/*.wat."""
    specs = []
    for name in sorted(os.listdir(kernels_dir)):
        if not name.endswith(".wat"):
            continue
        stem = name[:-4]
        if only and stem not in only:
            continue
        with open(os.path.join(kernels_dir, name)) as f:
            match = re.search(r";; bench: arg=(-?\d+) expect=(-?\d+)", f.read())
        if not match:
            raise RuntimeError(f"{name}: no ';; bench: arg=N expect=N' line")
        specs.append((stem, os.path.join(wasm_dir, stem + ".wasm"), match[1], match[2]))
    return specs


def bench_compile(report, engines, modules, parallel):
    """Compile throughput: wasm_module_new only, MB/s of wasm.

    One table compiles on one thread and divides by process CPU time (MB/s per core, robust to
    a busy machine); with `parallel`, a second one uses each engine's default (all cores) and
    wall-clock time, which only means something on an otherwise idle machine.
    """
    variants = [("1 thread, MB per CPU-second", {"BENCH_THREADS": "1"}, "mb_per_cpu_s", "compile")]
    if parallel:
        variants.append(("all cores, MB per wall-clock second", {}, "mb_per_s", "compile-parallel"))
    all_engines = engines
    for title, env, key, workload in variants:
        engines = able(all_engines, workload)
        header = ["module", "size"] + [e.key for e in engines]
        header += [f"brisk ÷ {e.key}" for e in engines if e.key != "brisk"]
        rows = []
        failures = []
        for path in modules:
            figures = {}
            for e in engines:
                out, err = run_harness(e, ["compile", path, e.compile_runs], env)
                if err:
                    failures.append(f"{e.key} on {os.path.basename(path)}: {err}")
                else:
                    figures[e.key] = float(out[key])
            brisk = figures.get("brisk")
            row = [os.path.basename(path), f"{os.path.getsize(path) / 1e6:.1f} MB"]
            row += [fmt(figures.get(e.key)) for e in engines]
            row += [fmt_ratio(brisk / figures[e.key]) if brisk and figures.get(e.key) else "–"
                    for e in engines if e.key != "brisk"]
            rows.append(row)
        note = ("MB/s of wasm through `wasm_module_new` (validation and compilation), median of "
                "several runs. `brisk ÷ X` > 1 means brisk compiles faster. wasmi is set to "
                "translate every body to its bytecode in `wasm_module_new` (its default is lazy "
                "translation on first call, which leaves only validation here).")
        if "liftoff" in [e.key for e in engines]:
            note += (" liftoff is V8's baseline compiler through node (`benches/v8/bench.js`, "
                     "not wasm.h), eager and single-threaded, for reference.")
        if key == "mb_per_s":
            note += (" Wall-clock time with every engine's default parallelism: only meaningful "
                     "on an otherwise idle machine.")
        if failures:
            note += "\n\nFailed: " + "; ".join(failures)
        report.table(f"Compile throughput ({title})", note, header, rows)


def brisk_phases(report, probe, modules):
    """brisk's compile split into decode / validate / compile, on one thread (brisk-probe)."""
    rows = []
    failures = []
    for path in modules:
        proc = subprocess.run([probe, "phases", path, "3"], capture_output=True, text=True)
        if proc.returncode != 0:
            failures.append(f"{os.path.basename(path)}: {proc.stderr.strip()[:300]}")
            continue
        phases = dict(re.findall(r"^\s+(\w+)\s+[\d.]+ ms\s+([\d.]+) MB/s", proc.stdout, re.M))
        ms = dict(re.findall(r"^\s+(\w+)\s+([\d.]+) ms", proc.stdout, re.M))
        codegen = float(ms["compile"]) - float(ms["validate"])
        rows.append([os.path.basename(path)] + [phases[p] for p in ("decode", "validate", "compile", "module")]
                    + [f"{codegen:.0f} ms vs {float(ms['validate']) - float(ms['decode']):.0f} ms"])
    note = ("MB/s of brisk's compile phases on one thread, CPU time (`brisk-probe phases`): decode = "
            "sections only; validate = decode + wasmparser's validator over every body (the bound "
            "for a single pass); compile = decode + brisk's single pass (validation and code "
            "generation); module = `Module::new` (compile + executable memory). The last column "
            "compares what code generation adds (compile − validate) with what body validation "
            "costs (validate − decode): the design wants the first no larger than the second.")
    if failures:
        note += "\n\nFailed: " + "; ".join(failures)
    report.table("brisk compile phases (1 thread, MB per CPU-second)", note,
                 ["module", "decode", "validate", "compile", "module", "codegen vs body validation"],
                 rows)


def bench_kernels(report, engines, specs, baseline="cranelift"):
    """Run time of each kernel's export, relative to Cranelift."""
    engines = able(engines, "kernels")
    keys = [e.key for e in engines]
    times = {}
    failures = []
    for name, path, arg, expect in specs:
        for e in engines:
            out, err = run_harness(e, ["kernel", path, arg, expect, e.kernel_runs])
            if err:
                failures.append(f"{e.key} on {name}: {err}")
                times[(name, e.key)] = None
            else:
                times[(name, e.key)] = figure(out, "ms")
    header = ["kernel"] + [f"{k} ms" for k in keys]
    have_base = baseline in keys
    others = [k for k in keys if k != baseline] if have_base else []
    header += [f"{k} ÷ {baseline}" for k in others]
    rows = []
    ratios = {k: [] for k in others}
    for name, _, _, _ in specs:
        row = [name] + [fmt(times[(name, k)]) for k in keys]
        base = times.get((name, baseline))
        for k in others:
            t = times.get((name, k))
            r = t / base if t and base else None
            ratios[k].append(r)
            row.append(fmt_ratio(r))
        rows.append(row)
    if have_base:
        rows.append(["**geometric mean**"] + ["" for _ in keys]
                    + [f"**{fmt_ratio(geomean(ratios[k]))}**" for k in others])
    note = (f"Milliseconds per call of the kernel's `run` export (median; one untimed call first), "
            f"and each engine's time divided by {baseline}'s (lower is faster; brisk aims for "
            f"1.3×). Every engine's result is checked against the expected value.")
    if "liftoff" in keys:
        note += (" liftoff is V8's baseline compiler through node (`benches/v8/bench.js`, not "
                 "wasm.h), with tier-up to TurboFan disabled, for reference.")
    if failures:
        note += "\n\nFailed: " + "; ".join(failures)
    report.table("Compute kernels: run time", note, header, rows)
    return {k: geomean(v) for k, v in ratios.items()}


def bench_boundary(report, engines, path, iters, wasmi_iters, runs):
    engines = able(engines, "boundary")
    keys = [e.key for e in engines]
    figures = {}
    failures = []
    for e in engines:
        n = wasmi_iters if e.key == "wasmi" else iters
        out, err = run_harness(e, ["boundary", path, n, runs])
        if err:
            failures.append(f"{e.key}: {err}")
        else:
            figures[e.key] = out
    measures = [
        ("nop_ns", "host → wasm: `wasm_func_call` of a nop export"),
        ("add_ns", "host → wasm: `wasm_func_call` of (i32, i32) → i32"),
        ("callback_ns", "wasm → host: call of a nop host function"),
        ("callback_i32_ns", "wasm → host: call of an (i32) → i32 host function"),
    ]
    header = ["crossing"] + [f"{k} ns" for k in keys] + [
        f"{k} ÷ brisk" for k in keys if k != "brisk"]
    rows = []
    for key, label in measures:
        row = [label]
        for k in keys:
            row.append(fmt(figure(figures[k], key)) if k in figures else "–")
        brisk = figure(figures["brisk"], key) if "brisk" in figures else None
        for k in keys:
            if k == "brisk":
                continue
            other = figure(figures[k], key) if k in figures else None
            row.append(fmt_ratio(other / brisk) if brisk and other else "–")
        rows.append(row)
    note = (f"Nanoseconds per crossing (median of {runs} runs of {iters:,} calls each"
            f"{'; wasmi ' + format(wasmi_iters, ',') if 'wasmi' in keys else ''}). "
            "`X ÷ brisk` > 1 means brisk crosses faster. brisk aims for under 15 ns each way.")
    if failures:
        note += "\n\nFailed: " + "; ".join(failures)
    report.table("Boundary crossings", note, header, rows)


def bench_instantiate(report, engines, path, iters, runs):
    engines = able(engines, "instantiate")
    keys = [e.key for e in engines]
    figures = {}
    failures = []
    for e in engines:
        out, err = run_harness(e, ["instantiate", path, iters, runs])
        if err:
            failures.append(f"{e.key}: {err}")
        else:
            figures[e.key] = figure(out, "us")
    header = ["module"] + [f"{k} µs" for k in keys] + [f"{k} ÷ brisk" for k in keys if k != "brisk"]
    row = [os.path.basename(path)] + [fmt(figures.get(k)) for k in keys]
    brisk = figures.get("brisk")
    for k in keys:
        if k != "brisk":
            row.append(fmt_ratio(figures[k] / brisk) if brisk and figures.get(k) else "–")
    note = (f"Microseconds per `wasm_instance_new` + `wasm_instance_delete` of an already compiled "
            f"small module (one import, memory + data, table + elements, globals), median of "
            f"{runs} runs of {iters:,}. brisk aims for a couple of microseconds.")
    if failures:
        note += "\n\nFailed: " + "; ".join(failures)
    report.table("Instantiation", note, header, [row])


def machine_description():
    def cmd(args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""
    lscpu = cmd(["lscpu"])
    keep = ("Model name", "CPU(s):", "Thread(s) per core", "Core(s) per socket", "L1d", "L2", "L3",
            "Hypervisor")
    picked = [l for l in lscpu.splitlines() if l.strip().startswith(keep)]
    return (f"nproc: {cmd(['nproc'])}; {platform.system()} {platform.release()}\n"
            + "\n".join(picked))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--wasm-dir", required=True)
    ap.add_argument("--kernels-dir", required=True)
    ap.add_argument("--compile-modules", nargs="*", default=[])
    ap.add_argument("--probe", help="brisk-probe binary: adds brisk's compile phases")
    ap.add_argument("--engines", default="brisk,cranelift,winch,wasmi",
                    help="comma-separated: brisk, cranelift, winch, wasmi, liftoff (V8 via node)")
    ap.add_argument("--workloads", default="compile,kernels,boundary,instantiate")
    ap.add_argument("--kernels", default="", help="comma-separated subset of kernels")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    ap.add_argument("--markdown", help="write the tables to this file too")
    ap.add_argument("--note", default="", help="a line for the top of the markdown file")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="time the tables use: process CPU time (default) or wall-clock")
    ap.add_argument("--no-parallel-compile", action="store_true",
                    help="skip the all-cores compile table")
    args = ap.parse_args()

    global CLOCK
    CLOCK = args.clock
    quick = args.quick
    v8_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "v8", "bench.js")
    all_engines = {
        "brisk": Engine("brisk", [os.path.join(args.bin_dir, "bench-brisk")]),
        "cranelift": Engine("cranelift", [os.path.join(args.bin_dir, "bench-wasmtime")],
                            {"BENCH_STRATEGY": "cranelift"}, compile_runs=1),
        "winch": Engine("winch", [os.path.join(args.bin_dir, "bench-wasmtime")],
                        {"BENCH_STRATEGY": "winch"}),
        "wasmi": Engine("wasmi", [os.path.join(args.bin_dir, "bench-wasmi")], kernel_runs=3),
        "liftoff": Engine("liftoff", ["node"] + V8_LIFTOFF_FLAGS + [v8_script],
                          workloads=("compile", "kernels")),
    }
    engines = []
    for key in args.engines.split(","):
        if key not in all_engines:
            sys.exit(f"unknown engine {key}; known: {', '.join(all_engines)}")
        engines.append(all_engines[key])
    if quick:
        for e in engines:
            e.kernel_runs = 1
            e.compile_runs = 1
    workloads = set(args.workloads.split(","))
    only = set(filter(None, args.kernels.split(",")))

    report = Report()
    started = time.time()
    if "compile" in workloads and args.compile_modules:
        bench_compile(report, engines, args.compile_modules,
                      parallel=not (quick or args.no_parallel_compile))
        if args.probe:
            brisk_phases(report, args.probe, args.compile_modules)
    if "kernels" in workloads:
        bench_kernels(report, engines, kernel_specs(args.wasm_dir, args.kernels_dir, only))
    if "boundary" in workloads:
        bench_boundary(report, engines, os.path.join(args.wasm_dir, "calls.wasm"),
                       iters=100_000 if quick else 2_000_000,
                       wasmi_iters=100_000 if quick else 1_000_000, runs=3 if quick else 7)
    if "instantiate" in workloads:
        bench_instantiate(report, engines, os.path.join(args.wasm_dir, "small.wasm"),
                          iters=200 if quick else 5_000, runs=3 if quick else 7)
    elapsed = time.time() - started
    print(f"(benchmarks took {elapsed:.0f} s; tables use the {CLOCK} clock)")
    if args.markdown:
        with open(args.markdown, "w") as f:
            if args.note:
                f.write(f"{args.note}\n\n")
            f.write(f"Machine:\n\n```\n{machine_description()}\n```\n\n")
            f.write(f"Clock: {CLOCK}. Load average at the end: {os.getloadavg()[0]:.1f} "
                    f"(on {os.cpu_count()} CPUs)\n\n")
            f.write("\n".join(report.sections))


if __name__ == "__main__":
    main()
