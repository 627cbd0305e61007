"""Demo loaders in tests: loaded once per module, inside a transaction rolled back afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def demo_loaded(django_db_blocker: Any, *loaders: Callable[[], Any]) -> Iterator[Any]:
    """Run ``loaders`` in order (each app's demo after the ones it builds on) and yield the last's result.

    For a module-scoped fixture on the session's territory: everything is rolled back at the end.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        result = None
        for load in loaders:
            result = load()
        yield result
        transaction.set_rollback(True)
