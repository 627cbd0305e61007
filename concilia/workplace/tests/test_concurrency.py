"""Several people sending answers with one personal code at the same moment: exactly one is recorded.

These need a database where concurrent transactions really run side by side: PostgreSQL (see
``concilia/helpdesk/tests/test_concurrency.py`` for why not SQLite's shared in-memory test database).
On SQLite the same race, one step after the other, is in ``test_security.py``.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from concilia.programming.tests.test_concurrency import run_concurrently
from concilia.workplace import services
from concilia.workplace.models import Answer, Response
from concilia.workplace.tests import factories as wf
from concilia.workplace.tests.test_security import Meanwhile

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
    ),
]


def test_two_answers_with_one_code_past_its_check_together_one_is_recorded(world: Any, place: Any) -> None:
    # given one personal code, and two senders that have both passed its check before either saves
    [code] = wf.codes(place.invitation)
    both_checked = threading.Barrier(2)

    def send(note: str) -> Any:
        data = Meanwhile({**wf.ANSWER, "note": note}, lambda: both_checked.wait(timeout=30))
        return services.response_submit(token=place.invitation.token, code=code, data=data)

    saved, errors = run_concurrently([lambda: send("primo"), lambda: send("secondo")], workers=2)
    # then one is recorded, the other refused as used, leaving nothing behind
    assert len(saved) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and errors[0].code == "used_code"
    assert Response.objects.count() == 1 and Answer.objects.filter(question__code="note").count() == 1


def test_ten_answers_with_one_code_at_once_one_is_recorded(world: Any, place: Any) -> None:
    [code] = wf.codes(place.invitation)
    tasks = [
        lambda: services.response_submit(token=place.invitation.token, code=code, data=wf.ANSWER) for _ in range(10)
    ]
    saved, errors = run_concurrently(tasks, workers=10)
    assert len(saved) == 1 and len(errors) == 9
    assert all(isinstance(e, ValidationError) and e.code == "used_code" for e in errors)
    assert Response.objects.count() == 1
