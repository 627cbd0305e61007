"""What the project's console log handler (``settings.LOGGING``, with its redaction filter) writes during a test."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from concilia.core.logs import RedactSecrets


@contextlib.contextmanager
def captured_console() -> Iterator[io.StringIO]:
    """Swap the stream of the handler that carries :class:`RedactSecrets` for a buffer, and give it back after."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecrets) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        yield buffer
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
