"""WASI preview 1 (wasi.h): :class:`WasiConfig` says what a program sees,
:class:`Wasi` instantiates and runs it, :func:`run_wasi` does both."""

import ctypes as C
import os
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

from ._ffi import (  # noqa: F401
    _ByteVec, _PtrVec, _byte_vec_delete, _extern_vec_delete, _func_call, _trap_delete,
    _wasi_config_capture, _wasi_config_delete, _wasi_config_inherit, _wasi_config_new,
    _wasi_config_preopen_dir, _wasi_config_set_argv, _wasi_config_set_env,
    _wasi_config_set_file, _wasi_config_set_stdin_bytes, _wasi_env_delete,
    _wasi_env_get_imports, _wasi_env_new, _wasi_env_output, _wasi_env_set_instance,
    _wasi_trap_exit_code,)
from ._api import Instance, Module, Store, _bytes, _take_trap

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

    def argv(self, args: Sequence[str]) -> "WasiConfig":
        """The arguments, the program's name first."""
        return self._check(_wasi_config_set_argv(self._ptr, len(args), _cstrings(args)),
                           "argv: not UTF-8")

    def env(self, variables: Union[Mapping[str, str], Iterable[Tuple[str, str]]]) -> "WasiConfig":
        """The environment: a dict, or (name, value) pairs."""
        pairs = list(variables.items()) if hasattr(variables, "items") else list(variables)
        names, values = [n for n, _ in pairs], [v for _, v in pairs]
        return self._check(_wasi_config_set_env(self._ptr, len(pairs), _cstrings(names),
                                                _cstrings(values)), "env: not UTF-8")

    def inherit(self, *what: str) -> "WasiConfig":
        """Passes the host's ``"argv"``, ``"env"``, ``"stdin"``,
        ``"stdout"`` and/or ``"stderr"`` through."""
        for name in what:
            _wasi_config_inherit[name](self._ptr)
        return self

    def stdin_bytes(self, data: bytes) -> "WasiConfig":
        vec = _bytes(data)
        _wasi_config_set_stdin_bytes(self._ptr, C.byref(vec))  # takes the bytes
        return self

    def file(self, stream: str, path: str) -> "WasiConfig":
        """Standard ``"stdin"`` reads the host file at ``path``;
        ``"stdout"`` or ``"stderr"`` writes it (created or truncated)."""
        return self._check(_wasi_config_set_file[stream](self._ptr, os.fsencode(path)),
                           "cannot open %s" % path)

    def capture(self, *streams: str) -> "WasiConfig":
        """``"stdout"`` and/or ``"stderr"`` go to memory, read back as
        :attr:`Wasi.stdout` and :attr:`Wasi.stderr`."""
        for name in streams:
            _wasi_config_capture[name](self._ptr)
        return self

    def preopen_dir(self, host_path: str, guest_path: str) -> "WasiConfig":
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

    def __init__(self, store: Store, config: Optional[WasiConfig] = None) -> None:
        ptr = config._ptr if config is not None else None
        if config is not None:
            config._ptr = None
        self.store = store
        self._ptr = _wasi_env_new(store._ptr, ptr)

    def instantiate(self, module: Module) -> Instance:
        """An instance of ``module`` with its WASI imports, its memory bound
        to this environment. A non-WASI import raises :class:`Trap`."""
        vec = _PtrVec()
        trap = C.c_void_p()
        if not _wasi_env_get_imports(self._ptr, module._ptr, C.byref(vec), C.byref(trap)):
            raise _take_trap(trap, self.store)
        try:
            instance = Instance(self.store, module, _externs=vec)
        finally:
            _extern_vec_delete(C.byref(vec))
        _wasi_env_set_instance(self._ptr, instance._ptr)
        return instance

    def run(self, module: Module) -> int:
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
    def stdout(self) -> bytes:
        """What the program wrote to a captured standard output."""
        return self._output("stdout")

    @property
    def stderr(self) -> bytes:
        return self._output("stderr")

    def __del__(self):
        _wasi_env_delete(self._ptr)


def run_wasi(store: Store, module: Module,
             config: Optional[WasiConfig] = None) -> Tuple[int, bytes, bytes]:
    """Runs a WASI command: returns ``(exit_code, stdout, stderr)``, the
    output as bytes when ``config`` captured it (see
    :meth:`WasiConfig.capture`)."""
    wasi = Wasi(store, config)
    code = wasi.run(module)
    return code, wasi.stdout, wasi.stderr
