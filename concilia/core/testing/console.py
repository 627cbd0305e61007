"""Errors a Playwright page reports in its console, for browser tests to fail on.

``errors = watch_console(page)`` before the first ``page.goto``: every console message of type
``error`` and every uncaught exception (``pageerror``) is appended, with where it came from. The
shared browser fixtures (``browser_page``, ``site_page`` in ``concilia/conftest.py``) fail the test
at teardown when the list is not empty. The page's own document answering an error status (a form
sent back with 400, a 404 or 410 page) is what the test checks, not a console error: Chromium's
"Failed to load resource" for a navigated address is left out; for an image, script or fetch it counts.
"""

from __future__ import annotations

from typing import Any

SHOWN = 300


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def watch_console(page: Any) -> list[str]:
    """Collect the console errors and uncaught exceptions of ``page`` (a Playwright sync ``Page``)."""
    errors: list[str] = []
    documents: set[str] = set()

    def on_request(request: Any) -> None:
        if request.is_navigation_request():
            documents.add(request.url)

    def on_console(message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            if message.text.startswith("Failed to load resource") and where in documents:
                return  # the page itself answered 400, 404, 410…: a status the test checks, not a broken part
            errors.append(f"console.error: {_short(message.text)} ({where})")

    def on_pageerror(error: Any) -> None:
        stack = (getattr(error, "stack", "") or "").splitlines()[1:3]  # where it was thrown
        at = " ".join(line.strip() for line in stack)
        errors.append(f"pageerror: {_short(str(error))} ({page.url}) {at}".rstrip())

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    return errors
