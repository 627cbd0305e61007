"""``collectstatic`` once per machine for the tests that need the files as a server has them.

Collecting with the production storage compresses every file with brotli and gzip: about 25 s on the
2-core machine. The production tests need it in two modules, on each database pass; the result depends
only on the static sources and the storage settings, so it is kept in the system's temporary directory
under a digest of those (each source file's path, size and modification time, and the settings) and
reused while they are unchanged. A lock makes the pytest-xdist workers wait for the one collecting.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.test import override_settings

CACHE = Path(tempfile.gettempdir()) / "concilia-collectstatic"


def sources_digest() -> str:
    """A digest of the static sources the finders see and of the settings that shape the collected files."""
    digest = hashlib.sha256()
    digest.update(json.dumps([repr(settings.STORAGES), settings.STATIC_URL], sort_keys=True).encode())
    for key in sorted(k for k in dir(settings) if k.startswith("WHITENOISE_")):
        digest.update(f"{key}={getattr(settings, key)!r}".encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{getattr(storage, 'prefix', '') or ''}/{path}:{stat.st_size}:{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()[:20]


def collected_static() -> Path:
    """A directory with ``collectstatic``'s output for the current settings (made once, then reused)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    final = CACHE / sources_digest()
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (final / "staticfiles.json").exists():
                for old in CACHE.iterdir():  # earlier sources' collections
                    if old.is_dir() and old != final:
                        shutil.rmtree(old, ignore_errors=True)
                work = Path(tempfile.mkdtemp(dir=CACHE, prefix=".collecting-"))
                with override_settings(STATIC_ROOT=work):
                    call_command("collectstatic", interactive=False, verbosity=0)
                shutil.rmtree(final, ignore_errors=True)
                work.rename(final)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return final
