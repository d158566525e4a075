"""Finds and loads libbrisk (the WebAssembly C API library)."""

import ctypes
import os

_here = os.path.dirname(os.path.abspath(__file__))


def library_path() -> str:
    """Where libbrisk is taken from, first found of: ``BRISK_LIB`` (or the
    older ``BRISK_LIBRARY``) in the environment; ``libbrisk.so`` shipped in
    this package (a wheel); ``target/release/libbrisk.so`` of the source
    repository this package sits in (a checkout)."""
    for var in ("BRISK_LIB", "BRISK_LIBRARY"):
        if os.environ.get(var):
            return os.environ[var]
    candidates = [
        os.path.join(_here, "libbrisk.so"),
        os.path.join(_here, "..", "..", "..", "target", "release", "libbrisk.so"),
    ]
    for path in candidates:
        if os.path.exists(path):
            return os.path.normpath(path)
    raise OSError("libbrisk.so not found: set BRISK_LIB, or install the package "
                  "(pip install ./bindings/python builds it)")


lib = ctypes.CDLL(library_path())
