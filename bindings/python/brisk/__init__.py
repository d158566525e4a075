"""Python bindings for brisk through the standard WebAssembly C API (ctypes).

A thin layer over libbrisk's wasm.h: engines, stores, modules, instances,
calls in both directions (Python callables as host functions), memories and
traps (raised as :class:`Trap`). Numbers only cross the boundary (i32, i64,
f32, f64); references stay on the C side. WASI programs run through wasi.h:
:class:`WasiConfig` says what a program sees, :class:`Wasi` instantiates
and runs it (:func:`run_wasi` in one call).

The library is found through the ``BRISK_LIBRARY`` environment variable, or
as ``target/release/libbrisk.so`` of the repository this file is in.
"""

import ctypes as C
import os

from ._native import lib as _lib

I32, I64, F32, F64 = 0, 1, 2, 3
EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_TABLE, EXTERN_MEMORY = 0, 1, 2, 3


class _ByteVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_char))]


class _ValUnion(C.Union):
    _fields_ = [("i32", C.c_int32), ("i64", C.c_int64), ("f32", C.c_float),
                ("f64", C.c_double), ("ref", C.c_void_p)]


class _Val(C.Structure):
    _fields_ = [("kind", C.c_uint8), ("of", _ValUnion)]


class _ValVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(_Val))]


class _PtrVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_void_p))]


_CALLBACK = C.CFUNCTYPE(C.c_void_p, C.c_void_p, C.POINTER(_ValVec), C.POINTER(_ValVec))
_FINALIZER = C.CFUNCTYPE(None, C.c_void_p)


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_p = C.c_void_p
_engine_new = _fn("wasm_engine_new", _p)
_engine_delete = _fn("wasm_engine_delete", None, _p)
_store_new = _fn("wasm_store_new", _p, _p)
_store_delete = _fn("wasm_store_delete", None, _p)
_byte_vec_new = _fn("wasm_byte_vec_new", None, C.POINTER(_ByteVec), C.c_size_t, C.c_char_p)
_byte_vec_delete = _fn("wasm_byte_vec_delete", None, C.POINTER(_ByteVec))
_module_new = _fn("wasm_module_new", _p, _p, C.POINTER(_ByteVec))
_module_delete = _fn("wasm_module_delete", None, _p)
_module_validate = _fn("wasm_module_validate", C.c_bool, _p, C.POINTER(_ByteVec))
_module_exports = _fn("wasm_module_exports", None, _p, C.POINTER(_PtrVec))
_exporttype_vec_delete = _fn("wasm_exporttype_vec_delete", None, C.POINTER(_PtrVec))
_exporttype_name = _fn("wasm_exporttype_name", C.POINTER(_ByteVec), _p)
_valtype_new = _fn("wasm_valtype_new", _p, C.c_uint8)
_valtype_kind = _fn("wasm_valtype_kind", C.c_uint8, _p)
_valtype_vec_new = _fn("wasm_valtype_vec_new", None, C.POINTER(_PtrVec), C.c_size_t,
                       C.POINTER(C.c_void_p))
_functype_new = _fn("wasm_functype_new", _p, C.POINTER(_PtrVec), C.POINTER(_PtrVec))
_functype_delete = _fn("wasm_functype_delete", None, _p)
_functype_params = _fn("wasm_functype_params", C.POINTER(_PtrVec), _p)
_functype_results = _fn("wasm_functype_results", C.POINTER(_PtrVec), _p)
_func_new_with_env = _fn("wasm_func_new_with_env", _p, _p, _p, _CALLBACK, _p, _FINALIZER)
_func_type = _fn("wasm_func_type", _p, _p)
_func_call = _fn("wasm_func_call", _p, _p, C.POINTER(_ValVec), C.POINTER(_ValVec))
_func_as_extern = _fn("wasm_func_as_extern", _p, _p)
_func_delete = _fn("wasm_func_delete", None, _p)
_instance_new = _fn("wasm_instance_new", _p, _p, _p, C.POINTER(_PtrVec), C.POINTER(_p))
_instance_delete = _fn("wasm_instance_delete", None, _p)
_instance_exports = _fn("wasm_instance_exports", None, _p, C.POINTER(_PtrVec))
_extern_vec_delete = _fn("wasm_extern_vec_delete", None, C.POINTER(_PtrVec))
_extern_kind = _fn("wasm_extern_kind", C.c_uint8, _p)
_extern_copy = _fn("wasm_extern_copy", _p, _p)
_extern_as_func = _fn("wasm_extern_as_func", _p, _p)
_extern_as_memory = _fn("wasm_extern_as_memory", _p, _p)
_extern_delete = _fn("wasm_extern_delete", None, _p)
_memory_data = _fn("wasm_memory_data", C.c_void_p, _p)
_memory_data_size = _fn("wasm_memory_data_size", C.c_size_t, _p)
_memory_grow = _fn("wasm_memory_grow", C.c_bool, _p, C.c_uint32)
_trap_new = _fn("wasm_trap_new", _p, _p, C.POINTER(_ByteVec))
_trap_message = _fn("wasm_trap_message", None, _p, C.POINTER(_ByteVec))
_trap_delete = _fn("wasm_trap_delete", None, _p)

# wasi.h
_wasi_config_new = _fn("wasi_config_new", _p)
_wasi_config_delete = _fn("wasi_config_delete", None, _p)
_wasi_config_set_argv = _fn("wasi_config_set_argv", C.c_bool, _p, C.c_size_t,
                            C.POINTER(C.c_char_p))
_wasi_config_set_env = _fn("wasi_config_set_env", C.c_bool, _p, C.c_size_t,
                           C.POINTER(C.c_char_p), C.POINTER(C.c_char_p))
_wasi_config_set_stdin_bytes = _fn("wasi_config_set_stdin_bytes", None, _p, C.POINTER(_ByteVec))
_wasi_config_set_file = {
    name: _fn("wasi_config_set_%s_file" % name, C.c_bool, _p, C.c_char_p)
    for name in ("stdin", "stdout", "stderr")}
_wasi_config_inherit = {
    name: _fn("wasi_config_inherit_%s" % name, None, _p)
    for name in ("argv", "env", "stdin", "stdout", "stderr")}
_wasi_config_capture = {
    name: _fn("wasi_config_capture_%s" % name, None, _p) for name in ("stdout", "stderr")}
_wasi_config_preopen_dir = _fn("wasi_config_preopen_dir", C.c_bool, _p, C.c_char_p, C.c_char_p)
_wasi_env_new = _fn("wasi_env_new", _p, _p, _p)
_wasi_env_delete = _fn("wasi_env_delete", None, _p)
_wasi_env_get_imports = _fn("wasi_env_get_imports", C.c_bool, _p, _p, C.POINTER(_PtrVec),
                            C.POINTER(_p))
_wasi_env_set_instance = _fn("wasi_env_set_instance", C.c_bool, _p, _p)
_wasi_env_output = {
    name: _fn("wasi_env_%s" % name, None, _p, C.POINTER(_ByteVec))
    for name in ("stdout", "stderr")}
_wasi_trap_exit_code = _fn("wasi_trap_exit_code", C.c_bool, _p, C.POINTER(C.c_int))


class Trap(Exception):
    """A WebAssembly trap, from wasm code or from a host function."""


def _take_trap(trap):
    msg = _ByteVec()
    _trap_message(trap, C.byref(msg))
    text = C.string_at(msg.data, msg.size).rstrip(b"\0").decode("utf-8", "replace")
    _byte_vec_delete(C.byref(msg))
    _trap_delete(trap)
    return Trap(text)


def _bytes(data):
    vec = _ByteVec()
    _byte_vec_new(C.byref(vec), len(data), data)
    return vec


def _set_val(val, kind, value):
    val.kind = kind
    if kind == I32:
        val.of.i32 = value
    elif kind == I64:
        val.of.i64 = value
    elif kind == F32:
        val.of.f32 = value
    elif kind == F64:
        val.of.f64 = value
    else:
        raise TypeError("only numbers cross the Python boundary")


def _get_val(val):
    return {I32: lambda: val.of.i32, I64: lambda: val.of.i64,
            F32: lambda: val.of.f32, F64: lambda: val.of.f64}[val.kind]()


def _kinds(vec_ptr):
    vec = vec_ptr.contents
    return [_valtype_kind(vec.data[i]) for i in range(vec.size)]


class Engine:
    def __init__(self):
        self._ptr = _engine_new()

    def __del__(self):
        _engine_delete(self._ptr)


class Store:
    """Owns the functions, memories and instances created in it."""

    def __init__(self, engine):
        self.engine = engine
        self._ptr = _store_new(engine._ptr)
        self._callbacks = []  # keep the ctypes thunks alive as long as the store

    def __del__(self):
        _store_delete(self._ptr)


class Module:
    def __init__(self, store, wasm):
        vec = _bytes(wasm)
        self._ptr = _module_new(store._ptr, C.byref(vec))
        _byte_vec_delete(C.byref(vec))
        if not self._ptr:
            raise ValueError("invalid WebAssembly module")
        self.store = store

    @staticmethod
    def validate(store, wasm):
        vec = _bytes(wasm)
        ok = _module_validate(store._ptr, C.byref(vec))
        _byte_vec_delete(C.byref(vec))
        return bool(ok)

    def export_names(self):
        vec = _PtrVec()
        _module_exports(self._ptr, C.byref(vec))
        names = []
        for i in range(vec.size):
            name = _exporttype_name(vec.data[i]).contents
            names.append(C.string_at(name.data, name.size).decode())
        _exporttype_vec_delete(C.byref(vec))
        return names

    def __del__(self):
        _module_delete(self._ptr)


class Func:
    """A function of a store; call it like a Python function."""

    def __init__(self, store, ptr):
        self.store = store
        self._ptr = ptr
        ty = _func_type(ptr)
        self.params = _kinds(_functype_params(ty))
        self.results = _kinds(_functype_results(ty))
        _functype_delete(ty)

    @classmethod
    def host(cls, store, params, results, fn):
        """A host function of the given value kinds calling ``fn(*args)``,
        which returns None, one value, or a tuple of values; a Python
        exception becomes a trap."""

        def thunk(_env, args, res):
            try:
                a = [_get_val(args.contents.data[i]) for i in range(args.contents.size)]
                out = fn(*a)
                if len(results) == 1:
                    out = (out,)
                for i, kind in enumerate(results):
                    _set_val(res.contents.data[i], kind, out[i])
                return None
            except Exception as e:  # becomes a wasm trap
                msg = _bytes(("%s: %s" % (type(e).__name__, e)).encode() + b"\0")
                trap = _trap_new(store._ptr, C.byref(msg))
                _byte_vec_delete(C.byref(msg))
                return trap

        def types(kinds):
            vec = _PtrVec()
            arr = (C.c_void_p * len(kinds))(*[_valtype_new(k) for k in kinds])
            _valtype_vec_new(C.byref(vec), len(kinds), arr)
            return vec

        p, r = types(params), types(results)
        ty = _functype_new(C.byref(p), C.byref(r))
        callback = _CALLBACK(thunk)
        store._callbacks.append(callback)
        ptr = _func_new_with_env(store._ptr, ty, callback, None, _FINALIZER())
        _functype_delete(ty)
        return cls(store, ptr)

    def __call__(self, *args):
        if len(args) != len(self.params):
            raise TypeError("expected %d arguments" % len(self.params))
        a = (_Val * max(len(args), 1))()
        for i, (kind, value) in enumerate(zip(self.params, args)):
            _set_val(a[i], kind, value)
        r = (_Val * max(len(self.results), 1))()
        av = _ValVec(len(args), a)
        rv = _ValVec(len(self.results), r)
        trap = _func_call(self._ptr, C.byref(av), C.byref(rv))
        if trap:
            raise _take_trap(trap)
        out = [_get_val(r[i]) for i in range(len(self.results))]
        return None if not out else out[0] if len(out) == 1 else tuple(out)

    def __del__(self):
        _func_delete(self._ptr)


class Memory:
    def __init__(self, store, ptr):
        self.store = store
        self._ptr = ptr

    def view(self):
        """The memory's bytes (valid until it grows)."""
        size = _memory_data_size(self._ptr)
        return (C.c_ubyte * size).from_address(_memory_data(self._ptr))

    def grow(self, pages):
        return bool(_memory_grow(self._ptr, pages))

    def __del__(self):
        _extern_delete(self._ptr)


class Instance:
    def __init__(self, store, module, imports=(), _externs=None):
        """``imports`` are functions (:class:`Func`), in the module's import
        order. (``_externs``: a ``wasm_extern_vec_t`` to use instead.)"""
        if _externs is None:
            arr = (C.c_void_p * max(len(imports), 1))(
                *[_func_as_extern(f._ptr) for f in imports])
            vec = _PtrVec(len(imports), arr)
        else:
            vec = _externs
        trap = C.c_void_p()
        self._ptr = _instance_new(store._ptr, module._ptr, C.byref(vec), C.byref(trap))
        if not self._ptr:
            raise _take_trap(trap) if trap else RuntimeError("instantiation failed")
        self.store = store
        vec = _PtrVec()
        _instance_exports(self._ptr, C.byref(vec))
        self.exports = {}
        for name, i in zip(module.export_names(), range(vec.size)):
            ext = _extern_copy(vec.data[i])
            kind = _extern_kind(ext)
            if kind == EXTERN_FUNC:
                self.exports[name] = Func(store, _extern_as_func(ext))
            elif kind == EXTERN_MEMORY:
                self.exports[name] = Memory(store, _extern_as_memory(ext))
            else:
                _extern_delete(ext)
        _extern_vec_delete(C.byref(vec))

    def __del__(self):
        _instance_delete(self._ptr)


def _cstrings(strings):
    return (C.c_char_p * max(len(strings), 1))(*[x.encode() for x in strings])


class WasiConfig:
    """What a WASI program sees. By default: no arguments, no environment,
    empty standard input, output discarded, no directories. The setters
    return the configuration, so that they chain."""

    def __init__(self):
        self._ptr = _wasi_config_new()

    def _check(self, ok, what):
        if not ok:
            raise ValueError(what)
        return self

    def argv(self, args):
        """The arguments, the program's name first."""
        return self._check(_wasi_config_set_argv(self._ptr, len(args), _cstrings(args)),
                           "argv: not UTF-8")

    def env(self, variables):
        """The environment: a dict, or (name, value) pairs."""
        pairs = list(variables.items()) if hasattr(variables, "items") else list(variables)
        names, values = [n for n, _ in pairs], [v for _, v in pairs]
        return self._check(_wasi_config_set_env(self._ptr, len(pairs), _cstrings(names),
                                                _cstrings(values)), "env: not UTF-8")

    def inherit(self, *what):
        """Passes the host's ``"argv"``, ``"env"``, ``"stdin"``,
        ``"stdout"`` and/or ``"stderr"`` through."""
        for name in what:
            _wasi_config_inherit[name](self._ptr)
        return self

    def stdin_bytes(self, data):
        vec = _bytes(data)
        _wasi_config_set_stdin_bytes(self._ptr, C.byref(vec))  # takes the bytes
        return self

    def file(self, stream, path):
        """Standard ``"stdin"`` reads the host file at ``path``;
        ``"stdout"`` or ``"stderr"`` writes it (created or truncated)."""
        return self._check(_wasi_config_set_file[stream](self._ptr, os.fsencode(path)),
                           "cannot open %s" % path)

    def capture(self, *streams):
        """``"stdout"`` and/or ``"stderr"`` go to memory, read back as
        :attr:`Wasi.stdout` and :attr:`Wasi.stderr`."""
        for name in streams:
            _wasi_config_capture[name](self._ptr)
        return self

    def preopen_dir(self, host_path, guest_path):
        """The program may open files under ``host_path``, which it sees as
        ``guest_path``."""
        return self._check(_wasi_config_preopen_dir(self._ptr, os.fsencode(host_path),
                                                    guest_path.encode()),
                           "cannot open directory %s" % host_path)

    def __del__(self):
        if self._ptr:
            _wasi_config_delete(self._ptr)


class Wasi:
    """A WASI environment in a store, configured by ``config`` (taken: it
    cannot be used again; None is the default configuration)."""

    def __init__(self, store, config=None):
        ptr = config._ptr if config is not None else None
        if config is not None:
            config._ptr = None
        self.store = store
        self._ptr = _wasi_env_new(store._ptr, ptr)

    def instantiate(self, module):
        """An instance of ``module`` with its WASI imports, its memory bound
        to this environment. A non-WASI import raises :class:`Trap`."""
        vec = _PtrVec()
        trap = C.c_void_p()
        if not _wasi_env_get_imports(self._ptr, module._ptr, C.byref(vec), C.byref(trap)):
            raise _take_trap(trap)
        try:
            instance = Instance(self.store, module, _externs=vec)
        finally:
            _extern_vec_delete(C.byref(vec))
        _wasi_env_set_instance(self._ptr, instance._ptr)
        return instance

    def run(self, module):
        """Instantiates ``module`` and runs its ``_start``; returns the exit
        status (0 when ``_start`` returns). A trap raises :class:`Trap`."""
        start = self.instantiate(module).exports["_start"]
        trap = _func_call(start._ptr, None, None)
        if not trap:
            return 0
        code = C.c_int()
        if _wasi_trap_exit_code(trap, C.byref(code)):
            _trap_delete(trap)
            return code.value
        raise _take_trap(trap)

    def _output(self, name):
        vec = _ByteVec()
        _wasi_env_output[name](self._ptr, C.byref(vec))
        data = C.string_at(vec.data, vec.size) if vec.size else b""
        _byte_vec_delete(C.byref(vec))
        return data

    @property
    def stdout(self):
        """What the program wrote to a captured standard output."""
        return self._output("stdout")

    @property
    def stderr(self):
        return self._output("stderr")

    def __del__(self):
        _wasi_env_delete(self._ptr)


def run_wasi(store, module, config=None):
    """Runs a WASI command: returns ``(exit_code, stdout, stderr)``, the
    output as bytes when ``config`` captured it (see
    :meth:`WasiConfig.capture`)."""
    wasi = Wasi(store, config)
    code = wasi.run(module)
    return code, wasi.stdout, wasi.stderr
