"""Booking, cancelling, handling appointments; cases with referrals; reminders; statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from concilia.helpdesk import reminders, selectors, services
from concilia.helpdesk.choices import AppointmentStatus
from concilia.helpdesk.models import Appointment, Case, DeskClosure, Referral
from concilia.helpdesk.tests import factories as hf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are matched in English (the Italian is merged into the catalogue separately)."""
    with translation.override("en"):
        yield


MONDAY = dt.date(2030, 3, 4)
NOW = hf.at(MONDAY, 8)  # Monday 08:00 Europe/Rome, before the first slot


def book(desk: Any, start: dt.datetime, now: dt.datetime = NOW, **kw: Any) -> Appointment:
    values = {"first_name": "Anna", "last_name": "Verdi", "email": "anna@example.org", "topic": "childcare"}
    return services.appointment_book(desk=desk, starts_at=start, now=now, **{**values, **kw})


def test_free_slots_follow_the_appointment_hours_in_rome_time(world: Any) -> None:
    desk = hf.desk(world, weeks_ahead=1)
    slots = selectors.free_slots(desk, now=NOW)
    first_day = [s for s in slots if s.starts_at.date() == MONDAY]
    assert [s.starts_at.strftime("%H:%M") for s in first_day] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert all(s.starts_at.utcoffset() == dt.timedelta(hours=1) for s in first_day)  # CET in March
    # one week ahead, every day of it (the last day included): 8 days × 6 slots
    assert len(slots) == 8 * 6
    assert slots[0].key == "2030-03-04T09:00:00+01:00"


def test_slots_skip_the_past_closures_and_full_slots(world: Any) -> None:
    desk = hf.desk(world, weeks_ahead=1)
    DeskClosure.objects.create(desk=desk, start=MONDAY + dt.timedelta(days=1), end=MONDAY + dt.timedelta(days=2))
    book(desk, hf.at(MONDAY, 11))
    slots = selectors.free_slots(desk, now=hf.at(MONDAY, 10, 15))
    starts = {s.starts_at for s in slots}
    assert hf.at(MONDAY, 10) not in starts  # past
    assert hf.at(MONDAY, 11) not in starts  # full (one place)
    assert hf.at(MONDAY, 11, 30) in starts
    assert not any(s.starts_at.date() in (MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)) for s in slots)


def test_booking_saves_and_mails_the_cancel_link(world: Any) -> None:
    desk = hf.desk(world)
    appointment = book(desk, hf.at(MONDAY, 9, 30), note=" Porto i documenti ")
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    assert appointment.note == "Porto i documenti"
    assert len(appointment.token) >= 30
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert f"/sportelli/prenotazione/{appointment.token}/" in mail.outbox[0].body
    assert "04/03/2030 09:30" in mail.outbox[0].body
    ((name, ics, mimetype),) = mail.outbox[0].attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"
    assert "DTSTART:20300304T083000Z\r\n" in ics and "DTEND:20300304T090000Z\r\n" in ics
    assert f"UID:{appointment.token}@concilia" in ics


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (hf.at(MONDAY, 7, 30), "already passed"),
        (hf.at(MONDAY, 9, 15), "does not give appointments at this time"),
        (hf.at(MONDAY, 12), "does not give appointments at this time"),
        (hf.at(MONDAY + dt.timedelta(weeks=5), 9), "at most 4 weeks"),
    ],
)
def test_booking_refuses_past_odd_and_far_times(world: Any, start: dt.datetime, message: str) -> None:
    desk = hf.desk(world)
    with pytest.raises(ValidationError) as exc:
        book(desk, start)
    assert message in " ".join(exc.value.messages)
    assert not Appointment.objects.exists()
    assert mail.outbox == []


def test_booking_refuses_a_closure_and_an_unpublished_desk(world: Any) -> None:
    desk = hf.desk(world)
    DeskClosure.objects.create(desk=desk, start=MONDAY, end=MONDAY, reason="Patrono")
    with pytest.raises(ValidationError):
        book(desk, hf.at(MONDAY, 9))
    hidden = hf.desk(world, is_published=False)
    with pytest.raises(ValidationError, match="does not take bookings"):
        book(hidden, hf.at(MONDAY, 9))
    assert not Appointment.objects.exists()


def test_the_last_place_goes_to_the_first_and_the_second_is_refused(world: Any) -> None:
    """The sequential form of the race (SQLite): the capacity counts, the second booking gets a clear error."""
    desk = hf.desk(world, capacity_per_slot=2)
    start = hf.at(MONDAY, 10)
    first = book(desk, start, email="a@example.org")
    second = book(desk, start, email="b@example.org")
    assert {first.seat, second.seat} == {1, 2}
    with pytest.raises(ValidationError, match="just been booked"):
        book(desk, start, email="c@example.org")
    assert Appointment.objects.filter(desk=desk, starts_at=start).count() == 2
    assert [s for s in selectors.free_slots(desk, now=NOW) if s.starts_at == start] == []


def test_the_database_refuses_two_live_appointments_on_the_same_place(world: Any) -> None:
    desk = hf.desk(world)
    start = hf.at(hf.tomorrow(), 9)
    hf.appointment(desk, starts_at=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        hf.appointment(desk, starts_at=start)
    # a cancelled one does not hold its place
    Appointment.objects.update(status=AppointmentStatus.CANCELLED)
    hf.appointment(desk, starts_at=start)


def test_cancelling_frees_the_slot_and_needs_the_token(world: Any) -> None:
    desk = hf.desk(world)
    start = hf.at(MONDAY, 10)
    appointment = book(desk, start)
    with pytest.raises(ValidationError):
        services.appointment_cancel(token="", now=NOW)
    with pytest.raises(ValidationError):
        services.appointment_cancel(token="not-the-token", now=NOW)
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED
    services.appointment_cancel(token=appointment.token, now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancelled_at == NOW
    assert "cancelled" in mail.outbox[-1].subject.lower() or "annullat" in mail.outbox[-1].subject.lower()
    assert start in {s.starts_at for s in selectors.free_slots(desk, now=NOW)}
    again = book(desk, start, email="other@example.org")
    assert again.seat == 1
    with pytest.raises(ValidationError, match="already cancelled"):
        services.appointment_cancel(token=appointment.token, now=NOW)


def test_a_started_appointment_cannot_be_cancelled(world: Any) -> None:
    desk = hf.desk(world)
    appointment = book(desk, hf.at(MONDAY, 10))
    with pytest.raises(ValidationError, match="already started"):
        services.appointment_cancel(token=appointment.token, now=hf.at(MONDAY, 10, 5))


def test_the_operator_records_the_outcome_others_cannot(world: Any) -> None:
    desk = hf.desk(world)
    appointment = book(desk, hf.at(MONDAY, 10))
    operator = hf.operator(desk.organisation)
    stranger = hf.operator(hf.desk(world).organisation)
    with pytest.raises(PermissionDenied):
        services.appointment_set_status(appointment=appointment, status="attended", by=stranger, now=hf.at(MONDAY, 11))
    with pytest.raises(PermissionDenied):
        services.appointment_set_status(appointment=appointment, status="attended", by=world.coordinator)
    with pytest.raises(ValidationError, match="not started"):
        services.appointment_set_status(appointment=appointment, status="attended", by=operator, now=NOW)
    done = services.appointment_set_status(
        appointment=appointment, status="attended", by=operator, now=hf.at(MONDAY, 11)
    )
    assert done.status == AppointmentStatus.ATTENDED
    assert done.history.first().history_user == operator
    with pytest.raises(ValidationError):
        services.appointment_set_status(appointment=done, status="cancelled", by=operator, now=hf.at(MONDAY, 11))


def test_a_listed_operator_manages_the_desk_too(world: Any) -> None:
    desk = hf.desk(world)
    volunteer = hf.f.UserFactory(username="volontaria")
    desk.operators.add(volunteer)
    appointment = book(desk, hf.at(MONDAY, 10))
    services.appointment_set_status(appointment=appointment, status="cancelled", by=volunteer, now=NOW)
    assert Appointment.objects.get().status == AppointmentStatus.CANCELLED


def test_a_case_with_its_referrals(world: Any) -> None:
    desk = hf.desk(world)
    other = hf.desk(world)
    case = hf.case(desk, needs=["childcare", "vouchers"], outcome="referred")
    Referral.objects.create(case=case, to_desk=other, note="Sportello più vicino a casa")
    Referral.objects.create(case=case, other="INPS")
    kinds = sorted(r.target_kind for r in case.referrals.all())
    assert kinds == ["desk", "other"]
    bad = Referral(case=case, other="INPS", to_desk=other)
    with pytest.raises(ValidationError, match="exactly one"):
        bad.full_clean()
    with pytest.raises(ValidationError, match="its own desk"):
        Referral(case=case, to_desk=desk).full_clean()


def test_an_anonymous_case_keeps_no_personal_data(world: Any) -> None:
    desk = hf.desk(world)
    with pytest.raises(ValidationError, match="anonymous case keeps no name"):
        Case(desk=desk, opened_on=MONDAY, anonymous=True, last_name="Rossi", needs=["childcare"]).full_clean()
    with pytest.raises(ValidationError, match="last name"):
        Case(desk=desk, opened_on=MONDAY, needs=["childcare"]).full_clean()
    with pytest.raises(ValidationError):
        Case(desk=desk, opened_on=MONDAY, anonymous=True, needs=[]).full_clean()
    with pytest.raises(ValidationError):
        Case(desk=desk, opened_on=MONDAY, anonymous=True, needs=["astrology"]).full_clean()
    Case(desk=desk, opened_on=MONDAY, anonymous=True, needs=["childcare"]).full_clean()


def test_a_case_may_link_only_an_appointment_of_its_desk(world: Any) -> None:
    desk, other = hf.desk(world), hf.desk(world)
    appointment = hf.appointment(other)
    with pytest.raises(ValidationError, match="another desk"):
        Case(desk=desk, opened_on=MONDAY, anonymous=True, needs=["childcare"], appointment=appointment).full_clean()


def test_follow_up_and_appointment_reminders_are_sent_once(world: Any) -> None:
    desk = hf.desk(world)
    handler = hf.operator(desk.organisation, email="op@example.org")
    today = hf.tomorrow() - dt.timedelta(days=1)
    due = hf.case(desk, follow_up_on=today, handled_by=handler)
    hf.case(desk, follow_up_on=today + dt.timedelta(days=2), handled_by=handler)  # not yet
    hf.case(desk, follow_up_on=today, status="closed")  # closed: nothing to follow
    nobody = hf.case(desk, follow_up_on=today - dt.timedelta(days=1))  # to the desk's e-mail
    appointment = hf.appointment(desk, starts_at=hf.at(hf.tomorrow(), 9))
    hf.appointment(desk, starts_at=hf.at(hf.tomorrow(), 9, 30), status="cancelled")
    hf.appointment(desk, starts_at=hf.at(hf.tomorrow() + dt.timedelta(days=1), 9))  # the day after
    assert reminders.send_due(today=today) == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["op@example.org", desk.email, appointment.email])
    assert any(f"/sportelli/prenotazione/{appointment.token}/disdici/" in m.body for m in mail.outbox)
    assert reminders.send_due(today=today) == 0
    assert len(mail.outbox) == 3
    due.refresh_from_db()
    nobody.refresh_from_db()
    assert due.follow_up_reminded_at is not None and nobody.follow_up_reminded_at is not None


def test_statistics_count_cases_needs_outcomes_referrals_and_appointments(world: Any) -> None:
    desk, other = hf.desk(world), hf.desk(world)
    day = dt.date(2026, 5, 10)
    a = hf.case(desk, opened_on=day, channel="phone", needs=["childcare", "vouchers"], outcome="referred")
    hf.case(desk, opened_on=day, channel="phone", needs=["childcare"], outcome="information", anonymous=True,
            first_name="", last_name="", email="")  # fmt: skip
    hf.case(desk, opened_on=day + dt.timedelta(days=1), channel="email", needs=["elder_care"])
    hf.case(desk, opened_on=dt.date(2025, 1, 1), needs=["childcare"])  # outside the period
    hf.case(other, opened_on=day, needs=["childcare"])  # another desk
    Referral.objects.create(case=a, to_desk=other)
    Referral.objects.create(case=a, other="INPS")
    hf.appointment(desk, starts_at=hf.at(day, 9), status="attended")
    hf.appointment(desk, starts_at=hf.at(day, 9, 30), status="cancelled")
    hf.appointment(desk, starts_at=hf.at(day, 10), status="no_show")
    stats = selectors.desk_statistics(desk=desk, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))
    assert stats.cases == 3 and stats.anonymous == 1
    channel = dict(stats.by_channel)
    assert channel["Phone"] == 2 and channel["E-mail"] == 1 and channel["In person"] == 0
    need = dict(stats.by_need)
    assert need["Childcare"] == 2 and need["Vouchers and contributions"] == 1
    assert need["Care of elderly relatives"] == 1
    outcome = dict(stats.by_outcome)
    assert outcome["Referred to other services"] == 1 and outcome["Information given"] == 1
    assert dict(stats.referrals) == {"Care service": 0, "Another desk": 1, "Open call": 0, "Other body": 1}
    assert dict(stats.appointments) == {"Booked": 0, "Cancelled": 1, "Attended": 1, "Did not come": 1}
