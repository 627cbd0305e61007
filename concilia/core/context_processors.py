"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    from concilia.core.registry import menu

    return {"main_menu": menu(request)}
