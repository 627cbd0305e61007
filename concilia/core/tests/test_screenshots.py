"""The steady screenshot: Chromium's transient "Unable to capture screenshot" is tried again, then the
window is captured; every other error still fails. (Chromium's failure cannot be caused on purpose, so
a recorded capture function stands in for Page.screenshot.)"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error

from concilia.core.testing.screenshots import steady


class Recorder:
    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        self.calls: list[dict[str, Any]] = []

    def __call__(self, page: Any, **kwargs: Any) -> bytes:
        self.calls.append(kwargs)
        if self.failures:
            raise Error(self.failures.pop(0))
        return b"png"


class FakePage:
    def wait_for_timeout(self, ms: int) -> None:
        assert ms > 0


def test_transient_failure_is_tried_again_then_the_window_is_taken() -> None:
    once = Recorder(["Protocol error: Unable to capture screenshot"])
    assert steady(once)(FakePage(), full_page=True) == b"png"
    assert once.calls == [{"full_page": True}, {"full_page": True}]

    twice = Recorder(["Unable to capture screenshot", "Unable to capture screenshot"])
    assert steady(twice)(FakePage(), path="x.png", full_page=True) == b"png"
    assert twice.calls[-1] == {"path": "x.png", "full_page": False}


def test_other_errors_still_fail() -> None:
    broken = Recorder(["Target page, context or browser has been closed"])
    with pytest.raises(Error, match="closed"):
        steady(broken)(FakePage(), full_page=True)
    assert len(broken.calls) == 1
    window = Recorder(["Unable to capture screenshot", "Unable to capture screenshot"])
    with pytest.raises(Error):
        steady(window)(FakePage())  # already the window: nothing smaller to fall back to
