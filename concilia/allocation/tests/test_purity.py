"""The engine stays pure: importing it must not import Django."""

from __future__ import annotations

import subprocess
import sys


def test_allocation_imports_no_django() -> None:
    code = (
        "import sys, pkgutil, importlib, concilia.allocation as a\n"
        "for m in pkgutil.walk_packages(a.__path__, 'concilia.allocation.'):\n"
        "    if '.tests' not in m.name and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
