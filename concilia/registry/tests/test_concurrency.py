"""Concurrent enrolments get distinct reference numbers; concurrent messages respect the daily limit.

PostgreSQL only, for the reasons given in ``concilia/programming/tests/test_concurrency.py``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from concilia.programming.tests.test_concurrency import run_concurrently
from concilia.registry import services
from concilia.registry.models import Babysitter, ContactMessage
from concilia.registry.tests.factories import listed, make_world, submitted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ),
]


def test_concurrent_enrolments_get_distinct_references() -> None:
    rw = make_world()
    results, errors = run_concurrently([lambda: submitted(rw).reference for _ in range(8)], workers=8)
    assert errors == []
    assert len(set(results)) == 8 == Babysitter.objects.count()


def test_concurrent_messages_respect_the_daily_limit() -> None:
    rw = make_world()
    b = listed(rw)
    rw.registry.messages_per_day = 3

    rw.registry.save()

    def send() -> int:
        return services.contact_relay(babysitter=b, family_name="F", family_email="f@example.org", message="Ciao").pk

    results, errors = run_concurrently([send for _ in range(8)], workers=8)
    assert len(results) == 3 and ContactMessage.objects.count() == 3
    assert len(errors) == 5 and all(isinstance(e, ValidationError) for e in errors)
