"""Session-wide test fixtures shared by every app (app-specific fixtures live in ``concilia/conftest.py``)."""

from __future__ import annotations

import io
from typing import Any

import pytest


@pytest.fixture(scope="session")
def territory_loaded(django_db_setup: None, django_db_blocker: Any) -> None:
    """The whole Italian territory (``concilia load_territory``), loaded once per test session.

    The rows are committed in the test database, so every later test sees them; tests still roll
    back their own changes (``db``). A ``transaction=True`` test flushes the database, after which the
    territory is gone for the rest of the session — request this fixture only from ``db`` tests.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_territory", stdout=io.StringIO())


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Run tests that flush the database (``transaction=True``, browser tests) last.

    A flush removes the session-wide territory; running those tests at the end keeps it for the rest.
    """

    def flushes(item: Any) -> bool:
        marker = item.get_closest_marker("django_db")
        return bool(item.get_closest_marker("browser")) or bool(marker and marker.kwargs.get("transaction"))

    items.sort(key=flushes)
