"""The reminders command calls every app's ``reminders.send_due`` with the day asked for."""

from __future__ import annotations

import datetime as dt
import io
import sys
import types

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from concilia.core import schedule
from concilia.core.tasks import send_reminders

# The registry, help desks and workplace apps have real ``reminders`` modules: they read the database.
pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_sender(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """A ``reminders`` module for the core app recording the days it was called with (two sent each time)."""
    calls: list[dt.date] = []
    module = types.ModuleType("concilia.core.reminders_probe")

    def send_due(*, today: dt.date) -> int:
        calls.append(today)
        return 2

    module.send_due = send_due  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "concilia.core.reminders", module)
    return calls


def test_every_installed_app_with_a_reminders_module_is_called(fake_sender: list[dt.date]) -> None:
    labels = [label for label, _send in schedule.senders()]
    assert "core" in labels
    assert all(apps.get_app_config(label).name.startswith("concilia.") for label in labels)


def test_command_sends_for_the_given_day(fake_sender: list[dt.date]) -> None:
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-02", stdout=out)
    assert fake_sender == [dt.date(2026, 3, 2)]
    assert "core: 2" in out.getvalue()
    assert {"registry", "helpdesk", "workplace"} <= {line.split(":")[0] for line in out.getvalue().splitlines()}


def test_command_refuses_a_bad_date(fake_sender: list[dt.date]) -> None:
    with pytest.raises(CommandError, match="2 marzo"):
        call_command("send_reminders", "--date", "2 marzo")
    assert fake_sender == []


def test_celery_task_runs_in_process(fake_sender: list[dt.date]) -> None:
    result = send_reminders.delay().get()
    assert result["core"] == 2
    assert len(fake_sender) == 1
