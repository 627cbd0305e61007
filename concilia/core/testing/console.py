"""Errors a Playwright page reports in its console, for browser tests to fail on.

``errors = watch_console(page)`` before the first ``page.goto``: every console message of type
``error`` and every uncaught exception (``pageerror``) is appended, with where it came from. The
shared browser fixtures (``browser_page``, ``site_page`` in ``concilia/conftest.py``) fail the test
at teardown when the list is not empty. A test that opens an error page on purpose (a 404 or 403
answer shows as "Failed to load resource" in the console) removes what it expected with
:func:`forget_console_errors`.
"""

from __future__ import annotations

from typing import Any

SHOWN = 300


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def watch_console(page: Any) -> list[str]:
    """Collect the console errors and uncaught exceptions of ``page`` (a Playwright sync ``Page``)."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            errors.append(f"console.error: {_short(message.text)} ({where})")

    def on_pageerror(error: Any) -> None:
        stack = (getattr(error, "stack", "") or "").splitlines()[1:3]  # where it was thrown
        at = " ".join(line.strip() for line in stack)
        errors.append(f"pageerror: {_short(str(error))} ({page.url}) {at}".rstrip())

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.concilia_console_errors = errors
    return errors


def forget_console_errors(page: Any, *, status: int | None = None) -> None:
    """Drop the errors seen so far (only the "Failed to load resource: … status of ``status``" ones if given)."""
    errors: list[str] = getattr(page, "concilia_console_errors", [])
    if status is None:
        errors.clear()
    else:
        errors[:] = [e for e in errors if f"status of {status}" not in e]
