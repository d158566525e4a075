"""The object API over wasm.h: engines, stores, modules, instances, linkers,
functions, memories, globals, tables, references and traps."""

import ctypes as C
import enum
import itertools
import os
import weakref
from typing import (Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from ._ffi import (  # noqa: F401
    _ByteVec, _CALLBACK, _FINALIZER, _Limits, _PtrVec, _Val, _ValVec, _byte_vec_delete,
    _byte_vec_new, _engine_delete, _engine_new, _exporttype_name, _exporttype_type,
    _exporttype_vec_delete, _extern_as_func, _extern_as_global, _extern_as_memory,
    _extern_as_table, _extern_copy, _extern_delete, _extern_kind, _extern_vec_delete,
    _externtype_as_functype, _externtype_as_globaltype, _externtype_as_memorytype,
    _externtype_as_tabletype, _externtype_kind, _foreign_as_ref, _foreign_delete, _foreign_new,
    _foreign_set_host_info_with_finalizer, _frame_func_index, _frame_func_offset,
    _frame_module_offset, _frame_vec_delete, _func_as_extern, _func_as_ref, _func_call,
    _func_new_with_env, _func_type, _functype_delete, _functype_new, _functype_params,
    _functype_results, _global_as_extern, _global_get, _global_new, _global_set, _global_type,
    _globaltype_content, _globaltype_delete, _globaltype_mutability, _globaltype_new,
    _importtype_module, _importtype_name, _importtype_type, _importtype_vec_delete,
    _instance_delete, _instance_exports, _instance_new, _memory_as_extern, _memory_data,
    _memory_data_size, _memory_grow, _memory_new, _memory_size, _memory_type,
    _memorytype_delete, _memorytype_limits, _memorytype_new, _module_delete,
    _module_deserialize, _module_exports, _module_imports, _module_new, _module_serialize,
    _module_validate, _ref_as_foreign, _ref_as_func, _ref_copy, _ref_delete,
    _ref_get_host_info, _store_delete, _store_new, _table_as_extern, _table_get, _table_grow,
    _table_new, _table_set, _table_size, _table_type, _tabletype_delete, _tabletype_element,
    _tabletype_limits, _tabletype_new, _trap_delete, _trap_message, _trap_new, _trap_trace,
    _valtype_kind, _valtype_new, _valtype_vec_new,)


class ValType(enum.IntEnum):
    """A value type (``wasm_valkind_t``). The members are ints, so the
    module-level ``I32`` … ``FUNCREF`` constants can be used as well."""

    I32 = 0
    I64 = 1
    F32 = 2
    F64 = 3
    EXTERNREF = 128
    FUNCREF = 129


I32, I64, F32, F64 = ValType.I32, ValType.I64, ValType.F32, ValType.F64
EXTERNREF, FUNCREF = ValType.EXTERNREF, ValType.FUNCREF
EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_TABLE, EXTERN_MEMORY = 0, 1, 2, 3
_REFS = (EXTERNREF, FUNCREF)


class Frame(NamedTuple):
    """One wasm frame of a trap's trace."""

    func_index: int
    func_offset: int
    module_offset: int


class Trap(Exception):
    """A WebAssembly trap, from wasm code or from a host function.

    ``message`` is the trap's text and ``frames`` its wasm frames,
    innermost first (empty when the engine recorded none). A trap caused by
    a Python exception in a host function has that exception as
    ``__cause__``."""

    def __init__(self, message: str, frames: Sequence[Frame] = ()):
        super().__init__(message)
        self.message = message
        self.frames: List[Frame] = list(frames)


def _string(vec_ptr) -> str:
    vec = vec_ptr.contents
    return C.string_at(vec.data, vec.size).decode("utf-8", "replace") if vec.size else ""


def _take_trap(trap, store: "Optional[Store]" = None) -> Trap:
    """A :class:`Trap` for the owned ``wasm_trap_t*`` ``trap`` (deleted)."""
    msg = _ByteVec()
    _trap_message(trap, C.byref(msg))
    text = C.string_at(msg.data, msg.size).rstrip(b"\0").decode("utf-8", "replace")
    _byte_vec_delete(C.byref(msg))
    vec = _PtrVec()
    _trap_trace(trap, C.byref(vec))
    frames = [Frame(_frame_func_index(vec.data[i]), _frame_func_offset(vec.data[i]),
                    _frame_module_offset(vec.data[i])) for i in range(vec.size)]
    _frame_vec_delete(C.byref(vec))
    _trap_delete(trap)
    result = Trap(text, frames)
    if store is not None and store._pending is not None:
        cause, store._pending = store._pending, None
        if isinstance(cause, Trap):
            return cause
        result.__cause__ = cause
    return result


def _bytes(data: bytes) -> _ByteVec:
    vec = _ByteVec()
    _byte_vec_new(C.byref(vec), len(data), data)
    return vec


# externref: a Python object rides in a foreign object whose host info is a
# key into `_objects`; the foreign's finalizer (it runs when the last
# reference, in wasm or in C, is gone) drops the key.
_objects: Dict[int, Any] = {}
_keys = itertools.count(1)


@_FINALIZER
def _drop_object(key):
    _objects.pop(key, None)


def _to_val(store: "Store", val: _Val, kind: int, value: Any, owned: bool):
    """Fills ``val``. For a reference, returns what to release after a
    borrowing use (a foreign object), unless ``owned`` (the value's
    ownership passes to C)."""
    val.kind = kind
    if kind == I32:
        val.of.i32 = value
    elif kind == I64:
        val.of.i64 = value
    elif kind == F32:
        val.of.f32 = value
    elif kind == F64:
        val.of.f64 = value
    elif kind == EXTERNREF:
        if value is None:
            val.of.ref = None
            return None
        key = next(_keys)
        _objects[key] = value
        foreign = _foreign_new(store._ptr)
        _foreign_set_host_info_with_finalizer(foreign, key, _drop_object)
        val.of.ref = _foreign_as_ref(foreign)
        return None if owned else foreign
    elif kind == FUNCREF:
        if value is None:
            val.of.ref = None
        elif isinstance(value, Func):
            ref = _func_as_ref(value._ptr)
            val.of.ref = _ref_copy(ref) if owned else ref
        else:
            raise TypeError("a funcref is a brisk.Func or None, not %s" % type(value).__name__)
    else:
        raise TypeError("value type %d does not cross the Python boundary" % kind)
    return None


def _from_ref(store: "Store", kind: int, ref, owned: bool) -> Any:
    if not ref:
        return None
    try:
        if _ref_as_foreign(ref):
            return _objects.get(_ref_get_host_info(ref) or 0)
        func = _ref_as_func(ref)
        if func:
            return Func._wrap(store, _func_as_extern(_ref_as_func(_ref_copy(ref))))
        return None
    finally:
        if owned:
            _ref_delete(ref)


def _from_val(store: "Store", val: _Val, owned: bool) -> Any:
    kind = val.kind
    if kind == I32:
        return val.of.i32
    if kind == I64:
        return val.of.i64
    if kind == F32:
        return val.of.f32
    if kind == F64:
        return val.of.f64
    if kind in _REFS:
        return _from_ref(store, kind, val.of.ref, owned)
    raise TypeError("value type %d does not cross the Python boundary" % kind)


def _kinds(vec_ptr) -> List[ValType]:
    vec = vec_ptr.contents
    return [ValType(_valtype_kind(vec.data[i])) for i in range(vec.size)]


def _limits(ptr) -> Tuple[int, Optional[int]]:
    lim = ptr.contents
    return lim.min, None if lim.max == 0xFFFFFFFF else lim.max


class FuncType(NamedTuple):
    """A function's parameter and result types."""

    params: List[ValType]
    results: List[ValType]

    def _new(self):
        def vec(kinds):
            out = _PtrVec()
            arr = (C.c_void_p * max(len(kinds), 1))(*[_valtype_new(k) for k in kinds])
            _valtype_vec_new(C.byref(out), len(kinds), arr)
            return out

        p, r = vec(self.params), vec(self.results)
        return _functype_new(C.byref(p), C.byref(r))

    @staticmethod
    def _of(ptr) -> "FuncType":
        return FuncType(_kinds(_functype_params(ptr)), _kinds(_functype_results(ptr)))


class GlobalType(NamedTuple):
    """A global's value type and mutability."""

    content: ValType
    mutable: bool

    def _new(self):
        return _globaltype_new(_valtype_new(self.content), 1 if self.mutable else 0)

    @staticmethod
    def _of(ptr) -> "GlobalType":
        return GlobalType(ValType(_valtype_kind(_globaltype_content(ptr))),
                          bool(_globaltype_mutability(ptr)))


class TableType(NamedTuple):
    """A table's element type and limits (``maximum`` None: unbounded)."""

    element: ValType
    minimum: int
    maximum: Optional[int] = None

    def _new(self):
        lim = _Limits(self.minimum, 0xFFFFFFFF if self.maximum is None else self.maximum)
        return _tabletype_new(_valtype_new(self.element), C.byref(lim))

    @staticmethod
    def _of(ptr) -> "TableType":
        return TableType(ValType(_valtype_kind(_tabletype_element(ptr))),
                         *_limits(_tabletype_limits(ptr)))


class MemoryType(NamedTuple):
    """A memory's limits in 64 KiB pages (``maximum`` None: unbounded)."""

    minimum: int
    maximum: Optional[int] = None

    def _new(self):
        lim = _Limits(self.minimum, 0xFFFFFFFF if self.maximum is None else self.maximum)
        return _memorytype_new(C.byref(lim))

    @staticmethod
    def _of(ptr) -> "MemoryType":
        return MemoryType(*_limits(_memorytype_limits(ptr)))


ExternType = Union[FuncType, GlobalType, TableType, MemoryType]


def _externtype(ptr) -> ExternType:
    kind = _externtype_kind(ptr)
    if kind == EXTERN_FUNC:
        return FuncType._of(_externtype_as_functype(ptr))
    if kind == EXTERN_GLOBAL:
        return GlobalType._of(_externtype_as_globaltype(ptr))
    if kind == EXTERN_TABLE:
        return TableType._of(_externtype_as_tabletype(ptr))
    return MemoryType._of(_externtype_as_memorytype(ptr))


class ImportType(NamedTuple):
    """An import of a module: ``module`` and ``name``, and what it expects."""

    module: str
    name: str
    type: ExternType


class ExportType(NamedTuple):
    """An export of a module: its name and type."""

    name: str
    type: ExternType


class Engine:
    """Compiles modules. One per program is usual."""

    def __init__(self) -> None:
        self._ptr = _engine_new()

    def __del__(self) -> None:
        if getattr(self, "_ptr", None):
            _engine_delete(self._ptr)


class Store:
    """Owns the functions, memories, globals, tables and instances made in
    it. C-side objects live until the store is dropped (as in wasm.h);
    Python wrappers keep their store alive."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ptr = _store_new(engine._ptr)
        self._pending: Optional[BaseException] = None  # a host function's exception

    def __del__(self) -> None:
        if getattr(self, "_ptr", None):
            _store_delete(self._ptr)


class Module:
    """A compiled WebAssembly module (binary format)."""

    def __init__(self, store: Store, wasm: bytes) -> None:
        """Compiles ``wasm``; raises ValueError if it is not a valid module."""
        vec = _bytes(bytes(wasm))
        ptr = _module_new(store._ptr, C.byref(vec))
        _byte_vec_delete(C.byref(vec))
        if not ptr:
            raise ValueError("invalid WebAssembly module")
        self._ptr = ptr
        self.store = store

    @classmethod
    def from_file(cls, store: Store, path: Union[str, "os.PathLike[str]"]) -> "Module":
        """Compiles the module in the file ``path``."""
        with open(path, "rb") as f:
            return cls(store, f.read())

    @staticmethod
    def validate(store: Store, wasm: bytes) -> bool:
        """Whether ``wasm`` is a valid module."""
        vec = _bytes(bytes(wasm))
        ok = _module_validate(store._ptr, C.byref(vec))
        _byte_vec_delete(C.byref(vec))
        return bool(ok)

    def serialize(self) -> bytes:
        """The compiled module as bytes, for :meth:`deserialize` by the same
        version and configuration of brisk."""
        vec = _ByteVec()
        _module_serialize(self._ptr, C.byref(vec))
        data = C.string_at(vec.data, vec.size) if vec.size else b""
        _byte_vec_delete(C.byref(vec))
        return data

    @classmethod
    def deserialize(cls, store: Store, data: bytes) -> "Module":
        """A module from :meth:`serialize`'s bytes, without compiling;
        ValueError for corrupted data or data of another version."""
        vec = _bytes(bytes(data))
        ptr = _module_deserialize(store._ptr, C.byref(vec))
        _byte_vec_delete(C.byref(vec))
        if not ptr:
            raise ValueError("not a serialized module of this brisk")
        self = cls.__new__(cls)
        self._ptr, self.store = ptr, store
        return self

    @property
    def imports(self) -> List[ImportType]:
        """The imports, in order (the order :class:`Instance` takes them)."""
        vec = _PtrVec()
        _module_imports(self._ptr, C.byref(vec))
        out = [ImportType(_string(_importtype_module(vec.data[i])),
                          _string(_importtype_name(vec.data[i])),
                          _externtype(_importtype_type(vec.data[i]))) for i in range(vec.size)]
        _importtype_vec_delete(C.byref(vec))
        return out

    @property
    def exports(self) -> List[ExportType]:
        """The exports, in order."""
        vec = _PtrVec()
        _module_exports(self._ptr, C.byref(vec))
        out = [ExportType(_string(_exporttype_name(vec.data[i])),
                          _externtype(_exporttype_type(vec.data[i]))) for i in range(vec.size)]
        _exporttype_vec_delete(C.byref(vec))
        return out

    def export_names(self) -> List[str]:
        return [e.name for e in self.exports]

    def __del__(self) -> None:
        if getattr(self, "_ptr", None):
            _module_delete(self._ptr)


class Extern:
    """A function, memory, global or table of a store (what a module imports
    and exports). The wrapper owns one C handle, released when dropped."""

    _as = staticmethod(lambda ext: ext)

    def __init__(self) -> None:  # pragma: no cover - abstract
        raise TypeError("Extern is abstract")

    @classmethod
    def _wrap(cls, store: Store, ext):
        self = cls.__new__(cls)
        self.store, self._ext, self._ptr = store, ext, cls._as(ext)
        return self

    def _own(self, store: Store, ptr, as_extern) -> None:
        self.store, self._ptr, self._ext = store, ptr, as_extern(ptr)

    def __del__(self) -> None:
        if getattr(self, "_ext", None):
            _extern_delete(self._ext)


# Host functions: one C callback for all of them; the environment is a key
# into `_hosts`, dropped by the finalizer when the store deletes the function.
_hosts: Dict[int, Tuple["weakref.ref[Store]", FuncType, Callable[..., Any]]] = {}


@_CALLBACK
def _host_trampoline(env, args, res):
    store_ref, ty, fn = _hosts[env]
    store = store_ref()
    try:
        a = args.contents
        out = fn(*[_from_val(store, a.data[i], False) for i in range(a.size)])
        results = ty.results
        if len(results) == 1:
            out = (out,)
        elif not results:
            out = ()
        if len(out) != len(results):
            raise TypeError("host function returned %d values, expected %d"
                            % (len(out), len(results)))
        r = res.contents
        for i, kind in enumerate(results):
            _to_val(store, r.data[i], kind, out[i], True)
        return None
    except BaseException as e:  # a trap whose cause is `e`
        store._pending = e
        text = e.message if isinstance(e, Trap) else "%s: %s" % (type(e).__name__, e)
        msg = _bytes(text.encode() + b"\0")
        trap = _trap_new(store._ptr, C.byref(msg))
        _byte_vec_delete(C.byref(msg))
        return trap


@_FINALIZER
def _drop_host(key):
    _hosts.pop(key, None)


_host_keys = itertools.count(1)


class Func(Extern):
    """A function: exported by an instance, or defined in Python. Call it
    like a Python function: it returns None, one value, or a tuple."""

    _as = staticmethod(lambda ext: _extern_as_func(ext))

    def __init__(self, store: Store, ty: FuncType, fn: Callable[..., Any]) -> None:
        """A host function of type ``ty`` that calls ``fn(*args)``. ``fn``
        returns None, one value, or a tuple of values; an exception in it
        becomes a trap, raised from the wasm call as :class:`Trap` with the
        exception as its ``__cause__``."""
        ty = FuncType([ValType(k) for k in ty.params], [ValType(k) for k in ty.results])
        key = next(_host_keys)
        _hosts[key] = (weakref.ref(store), ty, fn)
        cty = ty._new()
        ptr = _func_new_with_env(store._ptr, cty, _host_trampoline, key, _drop_host)
        _functype_delete(cty)
        self._own(store, ptr, _func_as_extern)

    @classmethod
    def host(cls, store: Store, params: Sequence[int], results: Sequence[int],
             fn: Callable[..., Any]) -> "Func":
        """``Func(store, FuncType(params, results), fn)``."""
        kinds = FuncType([ValType(k) for k in params], [ValType(k) for k in results])
        return cls(store, kinds, fn)

    @property
    def type(self) -> FuncType:
        ty = _func_type(self._ptr)
        out = FuncType._of(ty)
        _functype_delete(ty)
        return out

    @property
    def params(self) -> List[ValType]:
        return self.type.params

    @property
    def results(self) -> List[ValType]:
        return self.type.results

    def __call__(self, *args: Any) -> Any:
        ty = self.__dict__.get("_type") or self.__dict__.setdefault("_type", self.type)
        params, results = ty.params, ty.results
        if len(args) != len(params):
            raise TypeError("expected %d arguments, got %d" % (len(params), len(args)))
        store = self.store
        a = (_Val * max(len(args), 1))()
        release = [_to_val(store, a[i], kind, value, False)
                   for i, (kind, value) in enumerate(zip(params, args))]
        r = (_Val * max(len(results), 1))()
        av = _ValVec(len(args), a)
        rv = _ValVec(len(results), r)
        trap = _func_call(self._ptr, C.byref(av), C.byref(rv))
        for foreign in release:
            if foreign:
                _foreign_delete(foreign)
        if trap:
            raise _take_trap(trap, store)
        out = [_from_val(store, r[i], True) for i in range(len(results))]
        return None if not out else out[0] if len(out) == 1 else tuple(out)


class Memory(Extern):
    """A linear memory. :meth:`buffer` is a zero-copy, writable
    ``memoryview`` of its bytes."""

    _as = staticmethod(lambda ext: _extern_as_memory(ext))

    def __init__(self, store: Store, ty: MemoryType) -> None:
        cty = ty._new()
        ptr = _memory_new(store._ptr, cty)
        _memorytype_delete(cty)
        if not ptr:
            raise ValueError("cannot create a memory of %r" % (ty,))
        self._own(store, ptr, _memory_as_extern)

    @property
    def type(self) -> MemoryType:
        ty = _memory_type(self._ptr)
        out = MemoryType._of(ty)
        _memorytype_delete(ty)
        return out

    def buffer(self) -> memoryview:
        """The memory's bytes, without a copy; writes go to wasm memory.
        Valid until the memory grows: take a new one after :meth:`grow`."""
        size = _memory_data_size(self._ptr)
        if not size:
            return memoryview(b"")
        return memoryview((C.c_ubyte * size).from_address(_memory_data(self._ptr))).cast("B")

    view = buffer

    @property
    def data_len(self) -> int:
        """The size in bytes."""
        return _memory_data_size(self._ptr)

    @property
    def size(self) -> int:
        """The size in pages."""
        return _memory_size(self._ptr)

    def read(self, start: int, stop: int) -> bytes:
        """A copy of the bytes ``[start, stop)``."""
        return bytes(self.buffer()[start:stop])

    def write(self, data: bytes, start: int = 0) -> None:
        """Writes ``data`` at ``start``."""
        self.buffer()[start:start + len(data)] = data

    def grow(self, pages: int) -> bool:
        """Grows by ``pages``; False if the limit or the system says no."""
        return bool(_memory_grow(self._ptr, pages))


class Global(Extern):
    """A global variable: ``value`` reads it and (when mutable) writes it."""

    _as = staticmethod(lambda ext: _extern_as_global(ext))

    def __init__(self, store: Store, ty: GlobalType, value: Any) -> None:
        cty = ty._new()
        val = _Val()
        foreign = _to_val(store, val, ty.content, value, False)
        ptr = _global_new(store._ptr, cty, C.byref(val))
        if foreign:
            _foreign_delete(foreign)
        _globaltype_delete(cty)
        if not ptr:
            raise ValueError("cannot create a global of %r" % (ty,))
        self._own(store, ptr, _global_as_extern)

    @property
    def type(self) -> GlobalType:
        ty = _global_type(self._ptr)
        out = GlobalType._of(ty)
        _globaltype_delete(ty)
        return out

    @property
    def value(self) -> Any:
        val = _Val()
        _global_get(self._ptr, C.byref(val))
        return _from_val(self.store, val, True)

    @value.setter
    def value(self, value: Any) -> None:
        ty = self.type
        if not ty.mutable:
            raise AttributeError("the global is immutable")
        val = _Val()
        foreign = _to_val(self.store, val, ty.content, value, False)
        _global_set(self._ptr, C.byref(val))
        if foreign:
            _foreign_delete(foreign)


class Table(Extern):
    """A table of references (funcref: :class:`Func` or None; externref:
    any Python object or None)."""

    _as = staticmethod(lambda ext: _extern_as_table(ext))

    def __init__(self, store: Store, ty: TableType, init: Any = None) -> None:
        cty = ty._new()
        val = _Val()
        foreign = _to_val(store, val, ty.element, init, False)
        ptr = _table_new(store._ptr, cty, val.of.ref)
        if foreign:
            _foreign_delete(foreign)
        _tabletype_delete(cty)
        if not ptr:
            raise ValueError("cannot create a table of %r" % (ty,))
        self._own(store, ptr, _table_as_extern)

    @property
    def type(self) -> TableType:
        ty = _table_type(self._ptr)
        out = TableType._of(ty)
        _tabletype_delete(ty)
        return out

    @property
    def size(self) -> int:
        return _table_size(self._ptr)

    def __len__(self) -> int:
        return self.size

    def get(self, index: int) -> Any:
        """The element at ``index``; IndexError out of bounds."""
        if not 0 <= index < self.size:
            raise IndexError("table index %d out of bounds" % index)
        return _from_ref(self.store, self.type.element, _table_get(self._ptr, index), True)

    def set(self, index: int, value: Any) -> None:
        """Stores ``value`` at ``index``; IndexError out of bounds."""
        val = _Val()
        foreign = _to_val(self.store, val, self.type.element, value, False)
        ok = _table_set(self._ptr, index, val.of.ref)
        if foreign:
            _foreign_delete(foreign)
        if not ok:
            raise IndexError("table index %d out of bounds" % index)

    __getitem__ = get
    __setitem__ = set

    def grow(self, delta: int, init: Any = None) -> bool:
        """Adds ``delta`` elements set to ``init``; False past the limit."""
        val = _Val()
        foreign = _to_val(self.store, val, self.type.element, init, False)
        ok = _table_grow(self._ptr, delta, val.of.ref)
        if foreign:
            _foreign_delete(foreign)
        return bool(ok)


_EXTERN_CLASSES: Dict[int, Any] = {EXTERN_FUNC: Func, EXTERN_GLOBAL: Global, EXTERN_TABLE: Table,
                   EXTERN_MEMORY: Memory}


def _wrap_extern(store: Store, ext) -> Extern:
    """A wrapper owning ``ext`` (a ``wasm_extern_t*``)."""
    return _EXTERN_CLASSES[_extern_kind(ext)]._wrap(store, ext)


class Instance:
    """An instance of a module. ``exports`` maps export names to
    :class:`Func`, :class:`Memory`, :class:`Global` and :class:`Table`."""

    def __init__(self, store: Store, module: Module, imports: Sequence[Extern] = (),
                 _externs: Optional[_PtrVec] = None) -> None:
        """Instantiates ``module`` with ``imports`` in the module's import
        order (see :attr:`Module.imports`, or use a :class:`Linker` to
        supply them by name). A trap in the start function raises
        :class:`Trap`; a mismatch raises :class:`Trap` too."""
        if _externs is None:
            arr = (C.c_void_p * max(len(imports), 1))(*[i._ext for i in imports])
            vec = _PtrVec(len(imports), arr)
        else:
            vec = _externs
        trap = C.c_void_p()
        self._ptr = _instance_new(store._ptr, module._ptr, C.byref(vec), C.byref(trap))
        if not self._ptr:
            raise _take_trap(trap, store) if trap else Trap("instantiation failed")
        self.store = store
        self.module = module
        vec = _PtrVec()
        _instance_exports(self._ptr, C.byref(vec))
        self.exports: Dict[str, Extern] = {}
        for name, i in zip(module.export_names(), range(vec.size)):
            self.exports[name] = _wrap_extern(store, _extern_copy(vec.data[i]))
        _extern_vec_delete(C.byref(vec))

    def __del__(self) -> None:
        if getattr(self, "_ptr", None):
            _instance_delete(self._ptr)


class Linker:
    """Supplies imports by name: define items under (module, name), then
    :meth:`instantiate` finds each import of a module among them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._items: Dict[Tuple[str, str], Extern] = {}

    def define(self, module: str, name: str, item: Extern) -> "Linker":
        """Defines ``module``.``name`` (replacing an earlier definition)."""
        self._items[(module, name)] = item
        return self

    def define_func(self, module: str, name: str, ty: FuncType,
                    fn: Callable[..., Any]) -> "Linker":
        """Defines a Python host function (see :class:`Func`)."""
        return self.define(module, name, Func(self.store, ty, fn))

    def define_instance(self, module: str, instance: Instance) -> "Linker":
        """Defines every export of ``instance`` under ``module``."""
        for name, item in instance.exports.items():
            self.define(module, name, item)
        return self

    def get(self, module: str, name: str) -> Optional[Extern]:
        return self._items.get((module, name))

    def instantiate(self, module: Module) -> Instance:
        """An instance of ``module`` with its imports taken by name; a
        missing one raises LookupError."""
        imports = []
        for imp in module.imports:
            item = self._items.get((imp.module, imp.name))
            if item is None:
                raise LookupError("unknown import: %s::%s" % (imp.module, imp.name))
            imports.append(item)
        return Instance(self.store, module, imports)
