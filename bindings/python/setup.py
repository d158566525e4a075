"""Builds libbrisk and ships it inside the package.

``pip install ./bindings/python`` (or ``python -m build --wheel
./bindings/python``) runs ``cargo build --release`` in the repository this
directory belongs to and copies ``target/release/libbrisk.so`` into the
package. ``BRISK_LIB=/path/to/libbrisk.so`` ships that library instead and
skips cargo (use an absolute path: the build runs in this directory).
Debug info is stripped from the shipped copy. (An sdist alone cannot build:
it does not carry the Rust crate.)
"""

import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def _library() -> str:
    given = os.environ.get("BRISK_LIB")
    if given:
        if not os.path.isfile(given):
            raise SystemExit("BRISK_LIB=%s: no such file" % given)
        return given
    if not os.path.isfile(os.path.join(REPO, "Cargo.toml")):
        raise SystemExit("brisk-wasm: no Rust checkout at %s; set BRISK_LIB to a "
                         "libbrisk.so" % REPO)
    cargo = os.environ.get("CARGO", "cargo")
    subprocess.check_call([cargo, "build", "--release", "--lib"], cwd=REPO)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "libbrisk.so")


class BuildWithLibrary(build_py):
    """build_py that also puts libbrisk.so into the built package."""

    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "brisk")
        os.makedirs(dest, exist_ok=True)
        lib = os.path.join(dest, "libbrisk.so")
        shutil.copy2(_library(), lib)
        # The release profile keeps debug info (20 MB); a wheel does not
        # need it. BRISK_KEEP_DEBUG=1 keeps it.
        strip = shutil.which("strip")
        if strip and not os.environ.get("BRISK_KEEP_DEBUG"):
            subprocess.check_call([strip, "--strip-debug", lib])


try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel


class PlatformWheel(bdist_wheel):
    """ctypes needs no particular Python: py3-none-<platform>."""

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


class BinaryDistribution(Distribution):
    """The wheel carries a native library: tag it for the platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel},
      distclass=BinaryDistribution)
