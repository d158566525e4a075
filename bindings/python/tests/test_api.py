"""Tests of the object API (unittest), over c-tests/python.wat compiled into
the directory named by BRISK_TEST_WASM_DIR (tests/c_api.rs runs them
through test_brisk.py). Against an installed package:
BRISK_TEST_INSTALLED=1 BRISK_TEST_WASM_DIR=target/release/c-tests \
python -m unittest discover -s bindings/python/tests -p test_api.py"""

import gc
import os
import sys
import tempfile
import unittest

if not os.environ.get("BRISK_TEST_INSTALLED"):  # else: the pip-installed package
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import brisk  # noqa: E402
from brisk import EXTERNREF, F64, FUNCREF, I32, I64, FuncType  # noqa: E402

WASM_DIR = os.environ.get("BRISK_TEST_WASM_DIR", "")


def rss() -> int:
    """Resident set size in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def read_wasm() -> bytes:
    with open(os.path.join(WASM_DIR, "python.wasm"), "rb") as f:
        return f.read()


class Fixture(unittest.TestCase):
    def setUp(self):
        self.store = brisk.Store(brisk.Engine())
        self.module = brisk.Module.from_file(self.store, os.path.join(WASM_DIR, "python.wasm"))
        self.counter = brisk.Global(self.store, brisk.GlobalType(I32, True), 10)
        self.seen = []
        linker = brisk.Linker(self.store)
        linker.define_func("py", "add", FuncType([I32, I32], [I32]), lambda a, b: a + b)
        linker.define_func("py", "fail", FuncType([], []), self.fail_host)
        linker.define_func("py", "echo", FuncType([EXTERNREF], [EXTERNREF]), self.echo)
        linker.define("py", "counter", self.counter)
        self.instance = linker.instantiate(self.module)
        self.ex = self.instance.exports

    def fail_host(self):
        raise KeyError("python says no")

    def echo(self, obj):
        self.seen.append(obj)
        return obj


class ModuleTest(Fixture):
    def test_reflection(self):
        imports = self.module.imports
        self.assertEqual([(i.module, i.name) for i in imports],
                         [("py", "add"), ("py", "fail"), ("py", "echo"), ("py", "counter")])
        self.assertEqual(imports[0].type, FuncType([I32, I32], [I32]))
        self.assertEqual(imports[3].type, brisk.GlobalType(I32, True))
        exports = {e.name: e.type for e in self.module.exports}
        self.assertEqual(exports["memory"], brisk.MemoryType(1, 4))
        self.assertEqual(exports["g"], brisk.GlobalType(I64, True))
        self.assertEqual(exports["funcs"], brisk.TableType(FUNCREF, 2, None))
        self.assertEqual(exports["echo"], FuncType([EXTERNREF], [EXTERNREF]))

    def test_validate_serialize(self):
        wasm = read_wasm()
        self.assertTrue(brisk.Module.validate(self.store, wasm))
        self.assertFalse(brisk.Module.validate(self.store, wasm[:20]))
        with self.assertRaises(ValueError):
            brisk.Module(self.store, b"\0asm junk")
        again = brisk.Module.deserialize(self.store, self.module.serialize())
        self.assertEqual(again.exports, self.module.exports)
        imports = [self.linker_item(i) for i in again.imports]
        instance = brisk.Instance(self.store, again, imports)  # by position
        self.assertEqual(instance.exports["call_add"](2, 3), 5)
        with self.assertRaises(ValueError):
            brisk.Module.deserialize(self.store, b"not a module")

    def linker_item(self, imp):
        if imp.name == "counter":
            return self.counter
        return brisk.Func(self.store, imp.type, {"add": lambda a, b: a + b,
                                                 "fail": lambda: None,
                                                 "echo": lambda x: x}[imp.name])

    def test_missing_import(self):
        with self.assertRaises(LookupError):
            brisk.Linker(self.store).instantiate(self.module)


class FuncTest(Fixture):
    def test_calls_and_types(self):
        self.assertEqual(self.ex["double"](21), 42)
        self.assertEqual(self.ex["double"].type, FuncType([I32], [I32]))
        self.assertEqual(self.ex["call_add"](40, 2), 42)
        self.assertEqual(self.ex["call_table"](0, 8), 16)
        with self.assertRaises(TypeError):
            self.ex["double"]()

    def test_host_exception_is_chained(self):
        with self.assertRaises(brisk.Trap) as caught:
            self.ex["call_fail"]()
        trap = caught.exception
        self.assertIsInstance(trap.__cause__, KeyError)
        self.assertIn("python says no", trap.message)
        self.assertEqual(self.ex["call_add"](1, 1), 2)  # the store still works

    def test_trap_frames(self):
        with self.assertRaises(brisk.Trap) as caught:
            self.ex["trap"]()
        self.assertIn("unreachable", caught.exception.message)
        self.assertIsNone(caught.exception.__cause__)
        frames = caught.exception.frames  # innermost first: $inner, then "trap"
        self.assertEqual([f.func_index for f in frames], [14, 15])
        self.assertIsInstance(frames[0], brisk.Frame)

    def test_funcref(self):
        f = self.ex["first_func"]()
        self.assertIsInstance(f, brisk.Func)
        self.assertEqual(f(5), 10)
        table = self.ex["funcs"]
        self.assertIsNone(table[1])
        table[1] = brisk.Func(self.store, FuncType([I32], [I32]), lambda x: x + 100)
        self.assertEqual(self.ex["call_table"](1, 1), 101)


class MemoryTest(Fixture):
    def test_buffer(self):
        memory = self.ex["memory"]
        self.assertEqual((memory.size, memory.data_len), (1, 65536))
        buf = memory.buffer()
        self.assertIsInstance(buf, memoryview)
        self.assertFalse(buf.readonly)
        buf[100:104] = b"\x01\x02\x03\x04"  # zero-copy: wasm sees it
        self.assertEqual(self.ex["sum"](100, 4), 10)
        memory.write(b"\xff", 100)
        self.assertEqual(memory.read(100, 102), b"\xff\x02")
        self.assertTrue(memory.grow(1))
        self.assertEqual(len(memory.buffer()), 2 * 65536)
        self.assertFalse(memory.grow(10))

    def test_new(self):
        memory = brisk.Memory(self.store, brisk.MemoryType(2, 3))
        self.assertEqual(memory.type, brisk.MemoryType(2, 3))
        self.assertEqual(memory.buffer()[0], 0)


class GlobalTableTest(Fixture):
    def test_globals(self):
        self.assertEqual(self.ex["g"].value, 7)
        self.ex["g"].value = -1
        self.assertEqual(self.ex["g"].value, -1)
        self.assertEqual(self.ex["pi"].value, 3.5)
        with self.assertRaises(AttributeError):
            self.ex["pi"].value = 1.0
        self.assertEqual(self.ex["bump"](), 11)
        self.assertEqual(self.counter.value, 11)
        self.counter.value = 100
        self.assertEqual(self.ex["bump"](), 101)
        g = brisk.Global(self.store, brisk.GlobalType(F64, False), 2.5)
        self.assertEqual((g.value, g.type), (2.5, brisk.GlobalType(F64, False)))

    def test_tables(self):
        t = brisk.Table(self.store, brisk.TableType(EXTERNREF, 1, 3), "x")
        self.assertEqual((len(t), t[0]), (1, "x"))
        self.assertTrue(t.grow(2, None))
        self.assertFalse(t.grow(1))
        t[2] = {"k": 1}
        self.assertEqual(t[2], {"k": 1})
        with self.assertRaises(IndexError):
            t[3]


class ExternRefTest(Fixture):
    def test_python_objects(self):
        obj = object()
        self.assertIs(self.ex["id"](obj), obj)
        self.assertIsNone(self.ex["id"](None))
        data = [1, 2, 3]
        self.assertIs(self.ex["echo"](data), data)
        self.assertIs(self.seen[0], data)
        self.ex["store_extern"](1, data)
        self.assertIs(self.ex["externs"][1], data)
        self.assertIs(self.ex["load_extern"](1), data)

    def test_objects_are_released(self):
        """Objects that entered wasm are released when the store is dropped
        (the runtime keeps every externref that entered wasm for the
        store's lifetime: it has no collector yet)."""
        before = len(brisk._api._objects)
        table = brisk.Table(self.store, brisk.TableType(EXTERNREF, 1), None)
        for i in range(1000):
            self.ex["id"]([i])
        self.assertGreater(len(brisk._api._objects), before)
        del self.ex, self.instance, self.module, self.counter, table, self.store
        gc.collect()
        self.assertEqual(len(brisk._api._objects), before)


class LeakTest(Fixture):
    CALLS = 100_000

    def test_rss_bounded(self):
        """100,000 calls (Python -> wasm -> Python host, and a global read
        and written each time): resident memory grows by less than 2 MiB."""
        call_add, g = self.ex["call_add"], self.ex["g"]
        for i in range(10_000):  # warm up allocators and caches
            g.value = call_add(i, 1)
        gc.collect()
        start = rss()
        for i in range(self.CALLS):
            g.value = call_add(i, g.value & 0xFFFF)
        gc.collect()
        grown = rss() - start
        sys.stderr.write("leak check: %d calls, RSS %+d KiB\n" % (self.CALLS, grown // 1024))
        self.assertLess(grown, 2 << 20)

    def test_dropped_objects(self):
        """Objects made and dropped in a loop (modules, instances, stores)
        are freed."""
        wasm = read_wasm()

        def cycle():
            store = brisk.Store(brisk.Engine())
            linker = brisk.Linker(store)
            linker.define_func("py", "add", FuncType([I32, I32], [I32]), lambda a, b: a + b)
            linker.define_func("py", "fail", FuncType([], []), lambda: None)
            linker.define_func("py", "echo", FuncType([EXTERNREF], [EXTERNREF]), lambda x: x)
            linker.define("py", "counter", brisk.Global(store, brisk.GlobalType(I32, True), 0))
            instance = linker.instantiate(brisk.Module(store, wasm))
            instance.exports["echo"]([1])

        for _ in range(50):
            cycle()
        gc.collect()
        start, hosts = rss(), len(brisk._api._hosts)
        for _ in range(300):
            cycle()
        gc.collect()
        grown = rss() - start
        sys.stderr.write("leak check: 300 stores, RSS %+d KiB\n" % (grown // 1024))
        self.assertEqual(len(brisk._api._hosts), hosts)
        self.assertLess(grown, 8 << 20)


if __name__ == "__main__":
    if len(sys.argv) > 1 and os.path.isdir(sys.argv[1]):
        WASM_DIR = sys.argv.pop(1)
    unittest.main()
