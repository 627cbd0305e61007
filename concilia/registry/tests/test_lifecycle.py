"""The registry's lifecycle: submission checks, listing, expiry, renewal, suspension, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from concilia.core import clock
from concilia.registry import reminders, selectors, services
from concilia.registry.choices import BabysitterStatus, EventKind
from concilia.registry.models import Babysitter, CourseAttendance
from concilia.registry.tests.factories import application, listed, submitted

pytestmark = pytest.mark.django_db


def kinds(b: Babysitter) -> list[str]:
    return list(b.events.values_list("kind", flat=True))


def test_submit_list_expire_renew(rw) -> None:
    today = clock.today()
    b = submitted(rw)
    assert b.status == BabysitterStatus.SUBMITTED
    assert b.reference.startswith(f"BS-{today.year}-")
    assert mail.outbox[-1].to == ["zoraide.privata@example.org"]
    assert b.reference in mail.outbox[-1].body
    assert not selectors.public_babysitters().filter(pk=b.pk).exists()

    b = services.babysitter_list(babysitter=b, by=rw.operator)
    assert (b.status, b.listed_on, b.expires_on) == (BabysitterStatus.LISTED, today, today + dt.timedelta(days=365))
    assert selectors.public_babysitters().filter(pk=b.pk).exists()

    # A year later the listing is still in force on its last day, expired the day after.
    assert services.expire_due(today=b.expires_on) == 0
    assert services.expire_due(today=b.expires_on + dt.timedelta(days=1)) == 1
    b.refresh_from_db()
    assert b.status == BabysitterStatus.EXPIRED
    assert not selectors.public_babysitters(today=b.expires_on + dt.timedelta(days=1)).filter(pk=b.pk).exists()

    later = b.expires_on + dt.timedelta(days=5)
    b = services.babysitter_renew(babysitter=b, by=rw.operator, today=later)
    assert (b.status, b.listed_on, b.expires_on) == (BabysitterStatus.LISTED, later, later + dt.timedelta(days=365))
    assert kinds(b) == [EventKind.SUBMITTED, EventKind.LISTED, EventKind.EXPIRED, EventKind.RENEWED]


def test_renewal_of_a_listing_in_force_extends_from_its_expiry(rw) -> None:
    b = listed(rw)
    old = b.expires_on
    b = services.babysitter_renew(babysitter=b, by=rw.coordinator)
    assert b.expires_on == old + dt.timedelta(days=365)


def test_suspend_hides_then_reinstate_shows(rw) -> None:
    b = listed(rw)
    with pytest.raises(ValidationError) as err:
        services.babysitter_suspend(babysitter=b, by=rw.operator, reason="  ")
    assert "reason" in err.value.message_dict
    b = services.babysitter_suspend(babysitter=b, by=rw.operator, reason="Segnalazione da verificare")
    assert b.status == BabysitterStatus.SUSPENDED and b.status_reason == "Segnalazione da verificare"
    assert not selectors.public_babysitters().filter(pk=b.pk).exists()
    with pytest.raises(ValidationError):
        services.contact_relay(babysitter=b, family_name="F", family_email="f@example.org", message="Ciao")
    b = services.babysitter_reinstate(babysitter=b, by=rw.operator)
    assert b.status == BabysitterStatus.LISTED and b.status_reason == ""
    assert selectors.public_babysitters().filter(pk=b.pk).exists()
    event = b.events.get(kind=EventKind.SUSPENDED)
    assert event.note == "Segnalazione da verificare" and event.by == rw.operator


def test_reinstated_after_the_expiry_is_expired(rw) -> None:
    b = services.babysitter_suspend(babysitter=listed(rw), by=rw.operator, reason="Verifica")
    b = services.babysitter_reinstate(babysitter=b, by=rw.operator, today=b.expires_on + dt.timedelta(days=1))
    assert b.status == BabysitterStatus.EXPIRED


def test_reject_with_reason_mails_the_applicant(rw) -> None:
    b = services.babysitter_reject(babysitter=submitted(rw), by=rw.operator, reason="Documenti illeggibili")
    assert b.status == BabysitterStatus.REJECTED
    assert "Documenti illeggibili" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": clock.today().replace(year=clock.today().year - 17, day=1)}, "birth_date"),  # 17 (any 29 Feb)
        ({"attendance_hours": 31}, "attendance_hours"),  # 77.5% of 40 hours
        ({"exam_passed": False}, "exam_passed"),
        (
            {"first_aid_issued_on": dt.date(2020, 1, 1), "first_aid_expires_on": dt.date(2022, 1, 1)},
            "first_aid_expires_on",
        ),
        ({"no_criminal_record": False}, "no_criminal_record"),
        ({"eu_citizen": False, "citizenship": "Marocco"}, "permit_number"),
        ({"eu_citizen": False, "permit_number": "X1", "permit_expires_on": dt.date(2020, 1, 1)}, "permit_expires_on"),
    ],
)
def test_submission_refused(rw, overrides, field) -> None:
    with pytest.raises(ValidationError) as err:
        submitted(rw, **overrides)
    assert field in err.value.message_dict
    assert not Babysitter.objects.exists()
    assert not mail.outbox


def test_attendance_79_percent_refused_80_accepted(rw) -> None:
    rw.course.hours = 100
    rw.course.save()
    with pytest.raises(ValidationError) as err:
        submitted(rw, attendance_hours=79)
    assert "79" in err.value.message_dict["attendance_hours"][0]
    assert submitted(rw, attendance_hours=80).status == BabysitterStatus.SUBMITTED


def test_attendance_register_prevails_over_the_declaration(rw) -> None:
    b = application(rw, attendance_hours=40)
    CourseAttendance.objects.create(course=rw.course, tax_code=b.tax_code, first_name="Z", last_name="C",
                                    hours_attended=20, exam_passed=True)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        submitted(rw, tax_code=b.tax_code, attendance_hours=40)
    assert "attendance_hours" in err.value.message_dict


def test_only_managers_take_the_steps(rw) -> None:
    b = submitted(rw)
    for user in (rw.other_operator, rw.other_coordinator, rw.plain):
        with pytest.raises(PermissionDenied):
            services.babysitter_list(babysitter=b, by=user)
    b.refresh_from_db()
    assert b.status == BabysitterStatus.SUBMITTED


def test_reminders_sent_once_per_listing_period(rw) -> None:
    b = listed(rw)
    mail.outbox.clear()
    far = b.expires_on - dt.timedelta(days=31)
    assert reminders.send_due(today=far) == 0
    near = b.expires_on - dt.timedelta(days=30)
    assert reminders.send_due(today=near) == 1
    assert mail.outbox[-1].to == [b.email] and b.reference in mail.outbox[-1].body
    assert reminders.send_due(today=near) == 0
    assert reminders.send_due(today=near + dt.timedelta(days=3)) == 0
    # After a renewal the next period gets its own reminder.
    b = services.babysitter_renew(babysitter=b, by=rw.operator, today=near)
    assert reminders.send_due(today=b.expires_on - dt.timedelta(days=10)) == 1
    # send_due also expires what is past its date.
    reminders.send_due(today=b.expires_on + dt.timedelta(days=1))
    b.refresh_from_db()
    assert b.status == BabysitterStatus.EXPIRED
    assert b.events.filter(kind=EventKind.REMINDER).count() == 2


def test_search_filters(rw) -> None:
    b = listed(rw)
    assert list(selectors.public_babysitters(municipality=rw.cremona)) == [b]
    assert list(selectors.public_babysitters(municipality=rw.crema)) == []
    assert list(selectors.public_babysitters(weekday=0, start=dt.time(17), end=dt.time(19))) == [b]
    assert list(selectors.public_babysitters(weekday=0, start=dt.time(15), end=dt.time(19))) == []
    assert list(selectors.public_babysitters(weekday=1)) == []
    assert list(selectors.public_babysitters(language="en")) == [b]
    assert list(selectors.public_babysitters(language="e")) == []
    assert list(selectors.public_babysitters(voucher=rw.voucher)) == [b]
