#!/usr/bin/env python3
"""Line-based delta debugging of a WAT reproducer.

usage: reduce.py IN.wat OUT.wat PATTERN [SEED]

Removes lines (in shrinking chunks) of IN.wat while the differential fuzz
test, run on the candidate with FUZZ_FILE, still prints a report containing
PATTERN; writes the smallest such module to OUT.wat. Invalid candidates fail
differently (parse or validation errors) and are rejected automatically.
Needs the test binary built: `cargo test --release --test fuzz_differential
--no-run` with the same CARGO_TARGET_DIR.
"""
import glob
import os
import subprocess
import sys


def test_binary():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    bins = [b for b in glob.glob(f"{target}/release/deps/fuzz_differential-*")
            if os.access(b, os.X_OK) and not b.endswith(".d")]
    return max(bins, key=os.path.getmtime)


def main():
    src, out, pattern = sys.argv[1], sys.argv[2], sys.argv[3]
    seed = sys.argv[4] if len(sys.argv) > 4 else "0"
    binary = test_binary()
    lines = open(src).read().splitlines()
    tmp = out + ".candidate.wat"

    def interesting(cand):
        with open(tmp, "w") as f:
            f.write("\n".join(cand) + "\n")
        env = dict(os.environ, FUZZ_FILE=tmp, FUZZ_SEED=seed)
        try:
            r = subprocess.run([binary, "--nocapture"], env=env, capture_output=True,
                               text=True, timeout=20)
        except subprocess.TimeoutExpired:
            return False
        return pattern in r.stderr + r.stdout

    if not interesting(lines):
        sys.exit("the input does not show the pattern")
    chunk = max(1, len(lines) // 2)
    while chunk >= 1:
        i = 0
        progress = False
        while i < len(lines):
            cand = lines[:i] + lines[i + chunk:]
            if interesting(cand):
                lines = cand
                progress = True
                with open(out, "w") as f:
                    f.write("\n".join(lines) + "\n")
            else:
                i += chunk
        if not progress:
            chunk //= 2
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.remove(tmp)
    print(f"{len(lines)} lines -> {out}")


if __name__ == "__main__":
    main()
