"""National holidays (the ``holidays`` Italian calendar) and the desk's local holidays close the desk:
no slots, and a booking on such a day is refused by the service whatever the entry point."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from concilia.helpdesk import selectors, services
from concilia.helpdesk.models import Appointment, DeskClosure
from concilia.helpdesk.tests import factories as hf

pytestmark = pytest.mark.django_db

VALUES = {"first_name": "Anna", "last_name": "Verdi", "email": "anna@example.org", "topic": "childcare"}


@pytest.fixture
def desk(world: Any) -> Any:
    d = hf.desk(world, weeks_ahead=5)
    # Milan's patron saint, as a yearly local holiday of the desk
    DeskClosure.objects.create(
        desk=d,
        start=dt.date(2000, 12, 7),
        end=dt.date(2000, 12, 7),
        reason="Sant'Ambrogio",
        every_year=True,
        source="holidays (Italia, suddivisione MI)",
    )
    return d


def slot_days(desk: Any, now: dt.datetime) -> set[dt.date]:
    return {s.starts_at.date() for s in selectors.free_slots(desk, now=now)}


@pytest.mark.parametrize(
    ("closed", "reason"),
    [
        (dt.date(2026, 12, 7), "Sant'Ambrogio"),
        (dt.date(2026, 12, 8), "Immacolata Concezione"),
        (dt.date(2026, 12, 25), "Natale"),
        (dt.date(2027, 1, 1), "Capodanno"),
        (dt.date(2027, 3, 29), "Lunedì dell'Angelo"),
    ],
)
def test_no_slots_and_the_service_refuses_a_holiday(desk: Any, closed: dt.date, reason: str, time_machine: Any) -> None:
    now = hf.at(closed - dt.timedelta(days=2), 8)
    time_machine.move_to(now, tick=False)
    days = slot_days(desk, now)
    assert closed not in days
    assert closed - dt.timedelta(days=1) in days or closed + dt.timedelta(days=1) in days  # the desk is open around it
    with translation.override("it"), pytest.raises(ValidationError) as error:
        services.appointment_book(desk=desk, starts_at=hf.at(closed, 9), now=now, **VALUES)
    message = error.value.messages[0]
    assert "chiuso" in message and reason in message, message
    assert not Appointment.objects.exists()


def test_one_off_closures_still_close_the_desk(desk: Any) -> None:
    now = hf.at(dt.date(2030, 3, 4), 8)
    DeskClosure.objects.create(desk=desk, start=dt.date(2030, 3, 6), end=dt.date(2030, 3, 7), reason="Trasloco")
    days = slot_days(desk, now)
    assert dt.date(2030, 3, 5) in days and dt.date(2030, 3, 8) in days
    assert dt.date(2030, 3, 6) not in days and dt.date(2030, 3, 7) not in days


def test_the_page_lists_the_closures_and_refuses_a_posted_holiday(desk: Any, time_machine: Any) -> None:
    time_machine.move_to(hf.at(dt.date(2026, 12, 5), 10), tick=False)
    client = Client()
    body = client.get(desk.get_public_url()).content.decode()
    for day in ("2026-12-07", "2026-12-08", "2026-12-25", "2026-12-26", "2027-01-01"):
        assert f'data-closed="{day}"' in body
    assert "Sant&#x27;Ambrogio" in body and "Immacolata Concezione" in body
    assert 'value="2026-12-08T09:00:00+01:00"' not in body
    assert 'value="2026-12-09T09:00:00+01:00"' in body
    # forging the holiday's time in the API: refused with the reason, nothing saved
    with translation.override("it"):
        response = client.post(
            f"/api/helpdesk/desks/{desk.pk}/book/",
            {**VALUES, "starts_at": "2026-12-08T09:00:00+01:00", "privacy": True},
            content_type="application/json",
            headers={"accept-language": "it"},
        )
    assert response.status_code == 400
    assert "Immacolata Concezione" in str(response.json()), response.json()
    # and through the page's form
    page = client.post(
        desk.get_public_url(),
        {**VALUES, "slot": "2026-12-08T09:00:00+01:00", "privacy": "on"},
        headers={"accept-language": "it"},
    )
    assert page.status_code == 400
    assert not Appointment.objects.exists()


def test_a_closure_of_several_days_is_one_period_on_the_page(desk: Any, time_machine: Any) -> None:
    time_machine.move_to(hf.at(dt.date(2030, 3, 1), 10), tick=False)
    DeskClosure.objects.create(desk=desk, start=dt.date(2030, 3, 11), end=dt.date(2030, 3, 15), reason="Trasloco")
    assert selectors.upcoming_closures(desk)[0] == (dt.date(2030, 3, 11), dt.date(2030, 3, 15), "Trasloco")
    with translation.override("it"):
        body = Client().get(desk.get_public_url(), headers={"accept-language": "it"}).content.decode()
    assert "Dal 11 Marzo 2030 al 15 Marzo 2030 – Trasloco" in body
    assert 'data-closed="2030-03-12"' not in body
