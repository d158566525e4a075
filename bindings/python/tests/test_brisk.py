"""Tests the Python bindings (run by tests/c_api.rs): python3 test_brisk.py <dir>
where <dir> holds the compiled test modules."""

import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import brisk  # noqa: E402

wasm_dir = sys.argv[1]


def load(name):
    with open(os.path.join(wasm_dir, name + ".wasm"), "rb") as f:
        return f.read()


engine = brisk.Engine()
store = brisk.Store(engine)

assert brisk.Module.validate(store, load("serialize"))
assert not brisk.Module.validate(store, b"junk")
try:
    brisk.Module(store, b"junk")
    raise AssertionError("junk compiled")
except ValueError:
    pass

# Calls into wasm, multi-value, memory.
module = brisk.Module(store, load("serialize"))
instance = brisk.Instance(store, module)
assert instance.exports["answer"]() == 42
assert instance.exports["square"](-12) == 144
memory = instance.exports["memory"]
assert memory.view()[0] == 42
memory.view()[0] = 7
assert instance.exports["answer"]() == 7
assert memory.grow(1) and len(memory.view()) == 2 * 65536

# Host functions in Python, and traps both ways.
calls = []


def host_fail():
    calls.append("fail")
    raise RuntimeError("python says no")


traps = brisk.Module(store, load("traps"))
fail = brisk.Func.host(store, [], [], host_fail)
instance = brisk.Instance(store, traps, [fail])
try:
    instance.exports["call_host_fail"]()
    raise AssertionError("no trap")
except brisk.Trap as t:
    assert "python says no" in str(t), str(t)
assert calls == ["fail"]
try:
    instance.exports["div"](1, 0)
    raise AssertionError("no trap")
except brisk.Trap as t:
    assert str(t) == "integer divide by zero", str(t)
assert instance.exports["div"](84, 2) == 42

# Nested: wasm -> Python -> wasm.
calls_module = brisk.Module(store, load("calls"))
holder = {}
twice = brisk.Func.host(store, [brisk.I32], [brisk.I32], lambda x: 2 * x)
reenter = brisk.Func.host(store, [brisk.I32], [brisk.I32], lambda n: holder["down"](n) + 1)
multi = brisk.Func.host(store, [brisk.I64, brisk.F32], [brisk.F64, brisk.I64, brisk.I32],
                        lambda a, b: (b * 2, a + 1, -1))
sum10 = brisk.Func.host(store, [brisk.I32] * 10, [brisk.I64], lambda *xs: sum(xs))
instance = brisk.Instance(store, calls_module, [twice, reenter, multi, sum10])
holder["down"] = instance.exports["down"]
assert instance.exports["down"](3) == 45
assert instance.exports["call_multi"](41, 1.25) == (2.5, 42, -1)
assert instance.exports["call_sum10"]() == 55

# WASI (wasi.h): the programs of tests/wasi/, copied as wasi_<name>.wasm.
def expected(name):
    with open(os.path.join(wasm_dir, "wasi_" + name), "rb") as f:
        return f.read()


config = (brisk.WasiConfig().argv(["hello", "one", "two words", "three"])
          .env({"GREETING": "hi", "EMPTY": "", "WITH_EQUALS": "a=b=c"})
          .capture("stdout", "stderr"))
code, out, err = brisk.run_wasi(store, brisk.Module(store, load("wasi_hello")), config)
assert code == 0, code
assert out == expected("hello.stdout"), out
assert err == b"this goes to stderr\n", err

exit_code = brisk.Module(store, load("wasi_exit_code"))
wasi = brisk.Wasi(store, brisk.WasiConfig().argv(["exit_code", "3"]).capture("stdout"))
assert wasi.run(exit_code) == 3
assert wasi.stdout == b"before exit\n" and wasi.stderr == b""
assert brisk.run_wasi(store, exit_code) == (0, b"", b"")

config = brisk.WasiConfig().stdin_bytes(expected("stdin.input")).capture("stdout")
code, out, _ = brisk.run_wasi(store, brisk.Module(store, load("wasi_stdin")), config)
assert (code, out) == (0, expected("stdin.stdout")), (code, out)

with tempfile.TemporaryDirectory() as sandbox:
    config = brisk.WasiConfig().preopen_dir(sandbox, "/sandbox").capture("stdout")
    code, out, _ = brisk.run_wasi(store, brisk.Module(store, load("wasi_files")), config)
    assert (code, out) == (0, expected("files.stdout")), (code, out)

try:
    brisk.run_wasi(store, brisk.Module(store, load("wasi_trap")))
    raise AssertionError("no trap")
except brisk.Trap as t:
    assert str(t) == "integer divide by zero", str(t)
try:
    brisk.Wasi(store).instantiate(traps)
    raise AssertionError("a non-WASI import was accepted")
except brisk.Trap as t:
    assert "unknown import" in str(t), str(t)
try:
    brisk.WasiConfig().preopen_dir("/nonexistent/dir", "/sandbox")
    raise AssertionError("a missing directory was preopened")
except ValueError:
    pass
# The object API (unittest), over c-tests/python.wat.
import unittest  # noqa: E402

os.environ["BRISK_TEST_WASM_DIR"] = wasm_dir
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api  # noqa: E402

test_api.WASM_DIR = wasm_dir
result = unittest.TextTestRunner(stream=sys.stderr, verbosity=1).run(
    unittest.defaultTestLoader.loadTestsFromModule(test_api))
if not result.wasSuccessful():
    sys.exit(1)
print("python bindings ok")
