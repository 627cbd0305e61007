"""Screenshots that do not fail a test for the machine's sake.

Chromium sometimes answers a full-page capture with "Unable to capture screenshot" when the machine is
busy (two pytest workers and their browsers on two cores): the page is fine, the compositor was late.
A screenshot is evidence for a person to look at, never the assertion itself, so a capture that fails
this way is tried again once, and then taken of the window only. Any other error still fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TRANSIENT = "Unable to capture screenshot"


def steady(screenshot: Any) -> Any:
    def capture(self: Any, *args: Any, **kwargs: Any) -> bytes:
        from playwright.sync_api import Error

        try:
            return screenshot(self, *args, **kwargs)
        except Error as error:
            if TRANSIENT not in str(error):
                raise
        self.wait_for_timeout(250)
        try:
            return screenshot(self, *args, **kwargs)
        except Error as error:
            if TRANSIENT not in str(error) or not kwargs.get("full_page"):
                raise
        return screenshot(self, *args, **{**kwargs, "full_page": False})

    capture.__wrapped__ = screenshot  # type: ignore[attr-defined]
    return capture


@contextmanager
def steady_screenshots() -> Iterator[None]:
    """While open, every Playwright page's ``screenshot`` is :func:`steady`."""
    from playwright.sync_api import Page

    original = Page.screenshot
    Page.screenshot = steady(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Page.screenshot = original  # type: ignore[method-assign]
