"""Demo data of the helpdesk app (filled by its issue)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DemoResult:
    def __str__(self) -> str:
        return "helpdesk.demo: nothing to load yet"


def load(*, force: bool = False) -> DemoResult:
    return DemoResult()
