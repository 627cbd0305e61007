"""Public pages and endpoints (list, desk page with booking, booking page, cancellation) and the operators'
pages and endpoints (outcome, case from an appointment, statistics), with who may use each of them.

Roles: anonymous, a plain user, the operator of the desk (DESK_OPERATOR at the running organisation),
the operator of another organisation's desk, the coordinator of the desk's network, the administrator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from concilia.core import clock
from concilia.helpdesk import selectors, services
from concilia.helpdesk.choices import AppointmentStatus
from concilia.helpdesk.models import Appointment, Case
from concilia.helpdesk.tests import factories as hf

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain", "operator", "other_operator", "coordinator", "admin")


class Setting:
    def __init__(self, world: Any) -> None:
        self.world = world
        self.desk = hf.desk(world, network=world.network)
        self.other_desk = hf.desk(world, network=world.other_network)
        self.operator = hf.operator(self.desk.organisation, username="operatore")
        self.other_operator = hf.operator(self.other_desk.organisation, username="altro-operatore")
        self.users = {
            "anonymous": None,
            "plain": world.plain,
            "operator": self.operator,
            "other_operator": self.other_operator,
            "coordinator": world.coordinator,
            "admin": world.admin,
        }

    def client(self, role: str) -> Client:
        c = Client()
        if self.users[role] is not None:
            c.force_login(self.users[role])
        return c


@pytest.fixture
def s(world: Any) -> Setting:
    return Setting(world)


def first_slot(desk: Any) -> selectors.Slot:
    return selectors.free_slots(desk)[0]


def booking_data(slot: selectors.Slot, **kw: Any) -> dict[str, Any]:
    return {
        "slot": slot.key,
        "first_name": "Chiara",
        "last_name": "Segreta",
        "email": "chiara.segreta@example.org",
        "phone": "333 1234567",
        "topic": "childcare",
        "note": "Nota riservata della cittadina",
        "privacy": "on",
        **kw,
    }


def test_public_list_shows_published_desks_with_map_points(s: Setting) -> None:
    hidden = hf.desk(s.world, is_published=False, name="Sportello nascosto")
    body = Client().get(reverse("helpdesk:public_list")).content.decode()
    assert s.desk.name in body and s.other_desk.name in body
    assert hidden.name not in body
    assert 'id="map-points"' in body and '"lat": 45.13' in body


def test_booking_from_the_desk_page_then_cancelling(s: Setting) -> None:
    client = Client()
    page = client.get(s.desk.get_public_url())
    assert page.status_code == 200
    slot = first_slot(s.desk)
    assert f'value="{slot.key}"' in page.content.decode()
    response = client.post(s.desk.get_public_url(), booking_data(slot))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == slot.starts_at and appointment.status == AppointmentStatus.BOOKED
    assert response["Location"] == reverse("helpdesk:booking", args=[appointment.token]) + "?nuova=1"
    assert len(mail.outbox) == 1 and appointment.token in mail.outbox[0].body
    confirmation = client.get(response["Location"])
    assert 'data-booking="confirmed"' in confirmation.content.decode()
    assert confirmation["Cache-Control"] == "no-store, private"
    # the slot is gone from the page
    assert f'value="{slot.key}"' not in client.get(s.desk.get_public_url()).content.decode()
    cancel_url = reverse("helpdesk:booking_cancel", args=[appointment.token])
    assert client.get(cancel_url).status_code == 200
    assert client.post(cancel_url).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert f'value="{slot.key}"' in client.get(s.desk.get_public_url()).content.decode()
    again = client.post(cancel_url)
    assert again.status_code == 400


def test_a_wrong_token_finds_nothing(s: Setting) -> None:
    hf.appointment(s.desk)
    client = Client()
    assert client.get(reverse("helpdesk:booking", args=["sbagliato"])).status_code == 404
    assert client.post(reverse("helpdesk:booking_cancel", args=["sbagliato"])).status_code == 404
    assert Appointment.objects.get().status == AppointmentStatus.BOOKED


def test_booking_errors_are_shown_and_nothing_is_saved(s: Setting) -> None:
    client = Client()
    slot = first_slot(s.desk)
    no_privacy = booking_data(slot)
    no_privacy.pop("privacy")
    assert client.post(s.desk.get_public_url(), no_privacy).status_code == 400
    odd = client.post(s.desk.get_public_url(), {**booking_data(slot), "slot": "2030-01-01T09:00:00+01:00"})
    assert odd.status_code == 400
    assert not Appointment.objects.exists()
    hf.appointment(s.desk, starts_at=slot.starts_at)  # someone else took it meanwhile
    taken = client.post(s.desk.get_public_url(), booking_data(slot))
    assert taken.status_code == 400
    assert Appointment.objects.count() == 1


def test_citizens_data_never_appear_on_public_pages_or_api(s: Setting) -> None:
    client = Client()
    client.post(s.desk.get_public_url(), booking_data(first_slot(s.desk)))
    hf.case(s.desk, last_name="Riservatissimo", description="Storia familiare riservata")
    pages = [
        reverse("helpdesk:public_list"),
        s.desk.get_public_url(),
        s.desk.get_absolute_url(),
        reverse("helpdesk:desk_list"),
        reverse("helpdesk:appointment_list"),
        reverse("helpdesk:case_list"),
        "/api/helpdesk/desks/",
        f"/api/helpdesk/desks/{s.desk.pk}/",
        f"/api/helpdesk/desks/{s.desk.pk}/slots/",
        "/api/helpdesk/appointments/",
        "/api/helpdesk/cases/",
        "/api/helpdesk/referrals/",
    ]
    for role in ("anonymous", "plain", "other_operator", "coordinator"):
        c = s.client(role)
        for url in pages:
            body = c.get(url).content.decode()
            for secret in ("Segreta", "chiara.segreta", "Riservatissimo", "Nota riservata", "Storia familiare"):
                assert secret not in body, (role, url, secret)
    api = Client().get("/api/helpdesk/desks/").json()
    assert all("operators" not in d for d in api["results"])


def test_the_operator_sees_the_agenda_and_the_citizen(s: Setting) -> None:
    appointment = hf.appointment(s.desk, starts_at=hf.at(hf.tomorrow(), 9), last_name="Agenda")
    hf.appointment(s.other_desk, starts_at=hf.at(hf.tomorrow(), 9), last_name="Altrove")
    day = hf.tomorrow().isoformat()
    body = s.client("operator").get(reverse("helpdesk:appointment_list"), {"day": day}).content.decode()
    assert "Agenda" in body and "Altrove" not in body
    assert s.client("operator").get(reverse("helpdesk:appointment_detail", args=[appointment.pk])).status_code == 200
    for role in ("anonymous", "plain", "other_operator", "coordinator"):
        r = s.client(role).get(reverse("helpdesk:appointment_detail", args=[appointment.pk]))
        assert r.status_code in (302, 404), role


@pytest.mark.parametrize("role", ROLES)
def test_appointment_outcome_page_permissions(s: Setting, role: str) -> None:
    past = clock.now() - dt.timedelta(hours=1)
    appointment = hf.appointment(s.desk, starts_at=past)
    url = reverse("helpdesk:appointment_status", args=[appointment.pk])
    client = s.client(role)
    get = client.get(url)
    post = client.post(url, {"status": "attended"})
    appointment.refresh_from_db()
    if role in ("operator", "admin"):
        assert get.status_code == 200
        assert post.status_code == 302
        assert appointment.status == AppointmentStatus.ATTENDED
    else:
        assert get.status_code in (302, 403, 404), get.status_code
        assert post.status_code in (302, 403, 404)
        assert appointment.status == AppointmentStatus.BOOKED
        if role == "anonymous":
            assert "/accesso/" in get["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_log_the_case_from_an_appointment_permissions(s: Setting, role: str) -> None:
    appointment = hf.appointment(s.desk, topic="elder_care", note="Madre di 85 anni")
    url = reverse("helpdesk:appointment_case", args=[appointment.pk])
    response = s.client(role).get(url)
    if role in ("operator", "admin"):
        assert response.status_code == 302
        # the citizen's details stay out of the address (server logs, browser history)
        assert response["Location"] == reverse("helpdesk:case_add") + f"?appointment={appointment.pk}"
        form = s.client(role).get(response["Location"]).content.decode()
        assert appointment.last_name in form and "Madre di 85 anni" in form
        assert 'value="elder_care" checked' in form or 'value="elder_care"\n' in form or "elder_care" in form
    else:
        assert response.status_code in (302, 403, 404)
        if role == "anonymous":
            assert "/accesso/" in response["Location"]


def test_the_case_form_from_an_appointment_saves_the_link(s: Setting) -> None:
    appointment = hf.appointment(s.desk, starts_at=clock.now() - dt.timedelta(minutes=20))
    client = s.client("operator")
    location = client.get(reverse("helpdesk:appointment_case", args=[appointment.pk]))["Location"]
    form = client.get(location).content.decode()
    assert 'value="appointment" selected' in form and appointment.email in form
    # another desk's operator asking for this appointment's form gets an empty form
    assert appointment.email not in s.client("other_operator").get(location).content.decode()
    data = {
        "desk": s.desk.pk,
        "opened_on": clock.today().isoformat(),
        "channel": "appointment",
        "first_name": appointment.first_name,
        "last_name": appointment.last_name,
        "email": appointment.email,
        "needs": ["childcare", "vouchers"],
        "outcome": "referred",
        "follow_up_on": (clock.today() + dt.timedelta(days=14)).isoformat(),
        "handled_by": s.operator.pk,
        "appointment": appointment.pk,
        "status": "open",
    }
    assert client.post(reverse("helpdesk:case_add"), data).status_code == 302
    case = Case.objects.get()
    assert case.appointment == appointment and case.needs == ["childcare", "vouchers"]
    assert case.history.first().history_user == s.operator
    detail = client.get(reverse("helpdesk:appointment_detail", args=[appointment.pk])).content.decode()
    assert reverse("helpdesk:case_detail", args=[case.pk]) in detail
    # a second time: the existing case opens
    again = client.get(reverse("helpdesk:appointment_case", args=[appointment.pk]))
    assert again["Location"] == reverse("helpdesk:case_detail", args=[case.pk])
    # the other organisation's operator cannot put a case on this desk
    other = s.client("other_operator").post(reverse("helpdesk:case_add"), {**data, "appointment": ""})
    assert other.status_code == 400
    assert Case.objects.count() == 1


def test_an_anonymous_case_drops_the_personal_fields(s: Setting) -> None:
    data = {
        "desk": s.desk.pk,
        "opened_on": clock.today().isoformat(),
        "channel": "phone",
        "anonymous": "on",
        "first_name": "Non",
        "last_name": "Salvare",
        "needs": ["parental_leave"],
        "status": "open",
    }
    assert s.client("operator").post(reverse("helpdesk:case_add"), data).status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.first_name == "" and case.last_name == ""


@pytest.mark.parametrize("role", ROLES)
def test_statistics_page_and_endpoint_permissions(s: Setting, role: str) -> None:
    hf.case(s.desk, opened_on=clock.today(), channel="phone", last_name="Nascosto")
    url = reverse("helpdesk:statistics", args=[s.desk.pk])
    client = s.client(role)
    page = client.get(url)
    api = client.get(f"/api/helpdesk/desks/{s.desk.pk}/statistics/")
    csv = client.get(url, {"_export": "csv"})
    if role in ("operator", "coordinator", "admin"):
        assert page.status_code == 200
        assert 'data-cases="1"' in page.content.decode()
        assert "Nascosto" not in page.content.decode()
        assert api.status_code == 200 and api.json()["cases"] == 1
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
        assert client.get(url, {"_export": "xlsx"}).content[:2] == b"PK"
    else:
        assert page.status_code in (302, 403)
        assert api.status_code in (401, 403)
        assert csv.status_code in (302, 403)


def test_statistics_follow_the_period(s: Setting) -> None:
    hf.case(s.desk, opened_on=dt.date(2026, 3, 10))
    hf.case(s.desk, opened_on=dt.date(2026, 4, 10))
    url = reverse("helpdesk:statistics", args=[s.desk.pk])
    body = s.client("operator").get(url, {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert 'data-cases="1"' in body
    api = s.client("operator").get(
        f"/api/helpdesk/desks/{s.desk.pk}/statistics/", {"from": "2026-03-01", "to": "2026-04-30"}
    )
    assert api.json()["cases"] == 2
    bad = s.client("operator").get(
        f"/api/helpdesk/desks/{s.desk.pk}/statistics/", {"from": "2026-05-01", "to": "2026-04-30"}
    )
    assert bad.status_code == 400


def test_public_api_slots_book_and_cancel(s: Setting) -> None:
    client = Client()
    slots = client.get(f"/api/helpdesk/desks/{s.desk.pk}/slots/").json()
    assert slots and slots[0]["free"] == 1
    payload = {
        "starts_at": slots[0]["starts_at"],
        "first_name": "Paola",
        "last_name": "Gialli",
        "email": "paola@example.org",
        "topic": "vouchers",
        "privacy": True,
    }
    created = client.post(f"/api/helpdesk/desks/{s.desk.pk}/book/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    assert "first_name" not in created.json()
    twice = client.post(f"/api/helpdesk/desks/{s.desk.pk}/book/", payload, content_type="application/json")
    assert twice.status_code == 400 and "non_field_errors" in twice.json()
    after = client.get(f"/api/helpdesk/desks/{s.desk.pk}/slots/").json()
    assert after[0]["starts_at"] != slots[0]["starts_at"]
    no_privacy = client.post(
        f"/api/helpdesk/desks/{s.desk.pk}/book/", {**payload, "privacy": False}, content_type="application/json"
    )
    assert no_privacy.status_code == 400
    assert (
        client.post("/api/helpdesk/appointments/cancel/", {"token": "x"}, content_type="application/json").status_code
        == 400
    )
    cancelled = client.post("/api/helpdesk/appointments/cancel/", {"token": token}, content_type="application/json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    hidden = hf.desk(s.world, is_published=False)
    assert client.get(f"/api/helpdesk/desks/{hidden.pk}/slots/").status_code == 404
    assert (
        client.post(f"/api/helpdesk/desks/{hidden.pk}/book/", payload, content_type="application/json").status_code
        == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_appointment_status_endpoint_permissions(s: Setting, role: str) -> None:
    appointment = hf.appointment(s.desk, starts_at=clock.now() - dt.timedelta(hours=1))
    response = s.client(role).post(
        f"/api/helpdesk/appointments/{appointment.pk}/status/", {"status": "no_show"}, content_type="application/json"
    )
    appointment.refresh_from_db()
    if role in ("operator", "admin"):
        assert response.status_code == 200 and appointment.status == AppointmentStatus.NO_SHOW
    else:
        assert response.status_code in (401, 403, 404)
        assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("role", ROLES)
def test_appointments_cannot_be_written_through_the_register_api(s: Setting, role: str) -> None:
    appointment = hf.appointment(s.desk)
    client = s.client(role)
    url = f"/api/helpdesk/appointments/{appointment.pk}/"
    assert client.patch(url, {"status": "attended"}, content_type="application/json").status_code in (
        401,
        403,
        404,
        405,
    )
    assert client.delete(url).status_code in (401, 403, 404, 405)
    assert client.post("/api/helpdesk/appointments/", {}, content_type="application/json").status_code in (
        401,
        403,
        405,
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_unpublished_desk_page_is_for_its_operators_and_coordinator(s: Setting) -> None:
    hidden = hf.desk(s.world, is_published=False, organisation=s.desk.organisation, network=s.world.network)
    url = hidden.get_public_url()
    assert Client().get(url).status_code == 404
    assert s.client("other_operator").get(url).status_code == 404
    assert s.client("operator").get(url).status_code == 200
    assert s.client("coordinator").get(url).status_code == 200


def test_the_menu_links_to_the_desks(s: Setting) -> None:
    body = Client().get(reverse("helpdesk:public_list")).content.decode()
    assert f'href="{reverse("helpdesk:public_list")}"' in body
    operator_page = s.client("operator").get(reverse("helpdesk:public_list")).content.decode()
    assert reverse("helpdesk:case_list") in operator_page
    assert reverse("helpdesk:case_list") not in body


def test_filters_by_need_and_service(s: Setting) -> None:
    hf.case(s.desk, needs=["vouchers"], last_name="Voucherini")
    hf.case(s.desk, needs=["childcare"], last_name="Nidoni")
    body = s.client("operator").get(reverse("helpdesk:case_list"), {"need": "vouchers"}).content.decode()
    assert "Voucherini" in body and "Nidoni" not in body
    api = s.client("operator").get("/api/helpdesk/cases/", {"need": "childcare"}).json()
    assert [c["last_name"] for c in api["results"]] == ["Nidoni"]
    hf.desk(s.world, services=["company_welfare"], name="Sportello welfare")
    desks = Client().get(reverse("helpdesk:desk_list"), {"service": "company_welfare"}).content.decode()
    assert "Sportello welfare" in desks and s.desk.name not in desks


def test_the_desk_form_offers_only_the_organisations_desk_operators(s: Setting) -> None:
    from concilia.helpdesk.forms import DeskForm

    form = DeskForm(instance=s.desk, user=s.operator)
    offered = set(form.fields["operators"].queryset.values_list("username", flat=True))
    assert offered == {"operatore"}
    assert set(form.fields["organisation"].queryset) == {s.desk.organisation}


def test_the_confirmation_page_offers_the_calendar_file_to_who_booked(s: Setting) -> None:
    client = Client()
    slot = first_slot(s.desk)
    response = client.post(s.desk.get_public_url(), booking_data(slot))
    appointment = Appointment.objects.get()
    page = client.get(response["Location"]).content.decode()
    link = reverse("helpdesk:booking_calendar", args=[appointment.token])
    assert f'href="{link}"' in page
    ics = client.get(link)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert ics["Content-Disposition"] == 'attachment; filename="appuntamento.ics"'
    assert ics["Cache-Control"] == "no-store, private"
    body = ics.content.decode()
    attached = mail.outbox[0].attachments[0]
    assert attached[0] == "appuntamento.ics"
    assert body.split("DTSTART:")[1][:16] == attached[1].split("DTSTART:")[1][:16]
    assert f"UID:{appointment.token}@concilia" in body
    # a wrong token finds nothing; a cancelled booking has no calendar entry any more
    assert client.get(reverse("helpdesk:booking_calendar", args=["x" * 40])).status_code == 404
    services.appointment_cancel(token=appointment.token)
    assert client.get(link).status_code == 404
    assert f'href="{link}"' not in client.get(reverse("helpdesk:booking", args=[appointment.token])).content.decode()
