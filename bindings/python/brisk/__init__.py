"""Python bindings for brisk, a WebAssembly runtime, over its standard C API
(wasm.h, through ctypes).

:class:`Engine`, :class:`Store`, :class:`Module` (compile, validate,
serialize, reflect on imports and exports), :class:`Instance` (imports by
position) and :class:`Linker` (imports by name), :class:`Func` (exports are
callable; Python callables become host functions), :class:`Memory` (a
zero-copy ``memoryview``), :class:`Global`, :class:`Table`, references
(externref carries any Python object, funcref a :class:`Func`) and
:class:`Trap` (message, frames, and the host exception as ``__cause__``).
WASI programs run through :class:`WasiConfig`, :class:`Wasi` and
:func:`run_wasi`.

libbrisk is the one inside the installed package, or ``BRISK_LIB`` /
``BRISK_LIBRARY``, or ``target/release/libbrisk.so`` of a source checkout.
"""

from ._api import (EXTERNREF, F32, F64, FUNCREF, I32, I64, Engine, ExportType, Extern,
                   Frame, Func, FuncType, Global, GlobalType, ImportType, Instance, Linker,
                   Memory, MemoryType, Module, Store, Table, TableType, Trap, ValType)
from .wasi import Wasi, WasiConfig, run_wasi

__all__ = [
    "EXTERNREF", "F32", "F64", "FUNCREF", "I32", "I64", "Engine", "ExportType", "Extern",
    "Frame", "Func", "FuncType", "Global", "GlobalType", "ImportType", "Instance", "Linker",
    "Memory", "MemoryType", "Module", "Store", "Table", "TableType", "Trap", "ValType",
    "Wasi", "WasiConfig", "run_wasi",
]
