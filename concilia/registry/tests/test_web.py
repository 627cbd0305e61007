"""Pages and API of the registry: the relay leaks no contact, and every view and endpoint has its permissions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from concilia.core import clock
from concilia.registry.choices import BabysitterStatus
from concilia.registry.models import Babysitter, ContactMessage
from concilia.registry.tests.factories import MANAGERS, listed, submitted

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain", "other_operator", "other_coordinator", "operator", "coordinator", "admin")


def client(rw: Any, role: str) -> Client:
    c = Client()
    user = rw.users()[role]
    if user is not None:
        c.force_login(user)
    return c


def secrets(b: Babysitter) -> list[str]:
    return [b.email, b.phone, b.last_name, b.tax_code, "333 1234567", b.reference]


def assert_no_leak(body: bytes, b: Babysitter) -> None:
    text = body.decode()
    for secret in secrets(b):
        assert secret not in text, secret


def test_public_pages_and_api_show_no_contact(rw) -> None:
    b = listed(rw)
    c = Client()
    for url in (
        reverse("registry:search"),
        reverse("registry:search") + f"?comune={rw.cremona.pk}&giorno=0&dalle=17:00&alle=18:00&lingua=en",
        reverse("registry:profile", args=[b.pk]),
        "/api/registry/search/",
        f"/api/registry/search/?municipality={rw.cremona.pk}&weekday=0&from=17:00&language=en&voucher={rw.voucher.pk}",
        f"/api/registry/babysitters/{b.pk}/public/",
        "/api/registry/babysitters/",
        f"/api/registry/babysitters/{b.pk}/",
        "/api/registry/availability/",
        "/api/registry/messages/",
        "/api/registry/events/",
        reverse("registry:babysitter_list"),
        reverse("registry:babysitterregistry_detail", args=[rw.registry.pk]),
        reverse("registry:course_detail", args=[rw.course.pk]),
        reverse("registry:babysitter_history", args=[b.pk]),
        reverse("registry:babysitter_list") + "?_export=csv",
        f"/api/registry/registries/{rw.registry.pk}/",
    ):
        response = c.get(url)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        assert_no_leak(response.content, b)
    assert b"Zoraide" in c.get(reverse("registry:search")).content
    data = c.get("/api/registry/search/").json()
    assert [d["first_name"] for d in data] == ["Zoraide"]
    assert set(data[0]) == {"id", "first_name", "registry", "areas", "availability", "languages", "course",
                            "course_hours", "first_aid_valid", "experience", "bio", "vouchers"}  # fmt: skip
    assert (
        c.get("/api/registry/babysitters/").json()["results"] == []
        if "results" in c.get("/api/registry/babysitters/").json()
        else c.get("/api/registry/babysitters/").json() == []
    )


def test_not_listed_babysitters_are_not_public(rw) -> None:
    pending = submitted(rw)
    c = Client()
    assert c.get(reverse("registry:profile", args=[pending.pk])).status_code == 404
    assert c.get(f"/api/registry/babysitters/{pending.pk}/public/").status_code == 404
    assert b"Zoraide" not in c.get(reverse("registry:search")).content
    assert c.post(f"/api/registry/babysitters/{pending.pk}/contact/", {}).status_code == 404


def test_contact_form_relays_the_message(rw) -> None:
    b = listed(rw)
    mail.outbox.clear()
    c = Client()
    url = reverse("registry:profile", args=[b.pk])
    response = c.post(url, {"family_name": "Famiglia Rossi", "family_email": "rossi@example.org",
                            "message": "Ci servirebbe il martedì sera."}, follow=True)  # fmt: skip
    assert response.status_code == 200
    assert_no_leak(response.content, b)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [b.email] and sent.reply_to == ["rossi@example.org"]
    assert "Ci servirebbe il martedì sera." in sent.body
    msg = ContactMessage.objects.get()
    assert msg.relayed_at is not None and msg.family_email == "rossi@example.org"


def test_honeypot_sends_nothing(rw) -> None:
    b = listed(rw)
    mail.outbox.clear()
    Client().post(reverse("registry:profile", args=[b.pk]), {"family_name": "Bot", "family_email": "bot@example.org",
                  "message": "spam", "website": "http://spam.example"})  # fmt: skip
    r = Client().post(f"/api/registry/babysitters/{b.pk}/contact/", {"family_name": "Bot", "family_email": "bot@example.org",
                      "message": "spam", "website": "x"})  # fmt: skip
    assert r.status_code == 202
    assert mail.outbox == [] and not ContactMessage.objects.exists()


def test_contact_api_relays_and_limits_per_day(rw) -> None:
    b = listed(rw)
    rw.registry.messages_per_day = 2
    rw.registry.save()
    mail.outbox.clear()
    c = Client()
    data = {"family_name": "Famiglia Bianchi", "family_email": "Bianchi@example.org", "message": "Sabato?"}
    for _ in range(2):
        r = c.post(f"/api/registry/babysitters/{b.pk}/contact/", data)
        assert r.status_code == 202, r.content
        assert_no_leak(r.content, b)
    r = c.post(f"/api/registry/babysitters/{b.pk}/contact/", data)
    assert r.status_code == 400
    assert "domani" in r.content.decode() or "tomorrow" in r.content.decode()
    assert len(mail.outbox) == 2 and ContactMessage.objects.count() == 2


def test_enrolment_page_for_anyone(rw) -> None:
    c = Client()
    url = reverse("registry:enrol") + f"?elenco={rw.registry.pk}"
    assert c.get(url).status_code == 200
    today = clock.today()
    data = {
        "elenco": rw.registry.pk, "first_name": "Ottavia", "last_name": "Riservata", "tax_code": "rsvttv95a41d150q",
        "birth_date": "1995-01-01", "email": "ottavia@example.org", "residence": "Cremona", "eu_citizen": "on",
        "course": rw.course.pk, "attendance_hours": 35, "exam_passed": "on",
        "first_aid_issued_on": str(today - dt.timedelta(days=10)), "first_aid_expires_on": str(today + dt.timedelta(days=700)),
        "no_criminal_record": "on", "languages_choice": ["it", "fr"], "areas": [rw.cremona.pk, rw.crema.pk],
        "accepted_vouchers": [rw.voucher.pk], "availability_text": "lun-ven 16:00-19:00", "privacy": "on",
    }  # fmt: skip
    response = c.post(url, data, follow=True)
    import re

    assert response.status_code == 200, re.findall(r"<li>.*?</li>|errorlist.*?</ul>", response.content.decode(), re.S)[
        :20
    ]
    b = Babysitter.objects.get(first_name="Ottavia")
    assert b.tax_code == "RSVTTV95A41D150Q" and b.languages == "it,fr" and b.status == BabysitterStatus.SUBMITTED
    assert b.reference.encode() in response.content
    assert b.availability.count() == 5
    # A minor is refused with a message, nothing saved.
    data.update(
        first_name="Minnie", tax_code="MNNRSV10A41D150Q", birth_date=str(today.replace(year=today.year - 16, day=1))
    )  # day 1: 29 February has no twin
    response = c.post(url, data)
    assert response.status_code == 400
    assert not Babysitter.objects.filter(first_name="Minnie").exists()


@pytest.mark.parametrize("role", ROLES)
def test_registers_visible_to_managers_only(rw, role) -> None:
    b = listed(rw)
    c = client(rw, role)
    detail = c.get(reverse("registry:babysitter_detail", args=[b.pk]))
    api = c.get(f"/api/registry/babysitters/{b.pk}/")
    listing = c.get(reverse("registry:babysitter_list"))
    if role in MANAGERS:
        assert detail.status_code == 200 and b.tax_code.encode() in detail.content
        assert "Italiano, Inglese" in detail.content.decode()  # languages by name, not as codes
        assert api.status_code == 200 and api.json()["email"] == b.email
        assert b.reference.encode() in listing.content
    else:
        assert detail.status_code in (302, 403, 404)
        assert api.status_code in (401, 403, 404)
        assert b.reference.encode() not in listing.content
    for name in ("courseattendance_list", "contactmessage_list", "babysitterevent_list", "availability_list"):
        response = c.get(reverse(f"registry:{name}"))
        if role not in MANAGERS:
            assert b.last_name.encode() not in response.content


STEPS = [
    ("babysitter_list_step", "list", BabysitterStatus.SUBMITTED, {}),
    ("babysitter_reject", "reject", BabysitterStatus.SUBMITTED, {"reason": "Manca l'attestato"}),
    ("babysitter_suspend", "suspend", BabysitterStatus.LISTED, {"reason": "Verifica"}),
    ("babysitter_renew", "renew", BabysitterStatus.LISTED, {}),
    ("babysitter_reinstate", "reinstate", BabysitterStatus.SUSPENDED, {}),
]


def _in_status(rw, status: str) -> Babysitter:
    from concilia.registry import services

    if status == BabysitterStatus.SUBMITTED:
        return submitted(rw)
    b = listed(rw)
    if status == BabysitterStatus.SUSPENDED:
        b = services.babysitter_suspend(babysitter=b, by=rw.operator, reason="Verifica")
    return b


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "endpoint", "status", "data"), STEPS)
def test_workflow_steps_permissions(rw, role, page, endpoint, status, data) -> None:
    b = _in_status(rw, status)
    c = client(rw, role)
    url = reverse(f"registry:{page}", args=[b.pk])
    get = c.get(url)
    post = c.post(url, data)
    b.refresh_from_db()
    if role in MANAGERS:
        assert get.status_code == 200
        assert post.status_code == 302, post.content.decode()[:2000]
        assert b.status != status or endpoint == "renew"
    else:
        assert get.status_code in (302, 403, 404) and post.status_code in (302, 403, 404)
        assert b.status == status
        if role == "anonymous":
            assert "/accesso/" in get["Location"]
    b2 = _in_status(rw, status)
    r = c.post(f"/api/registry/babysitters/{b2.pk}/{endpoint}/", json.dumps(data), content_type="application/json")
    b2.refresh_from_db()
    if role in MANAGERS:
        assert r.status_code == 200, r.content
        assert r.json()["status"] == b2.status
    else:
        assert r.status_code in (401, 403, 404)
        assert b2.status == status


def test_wrong_step_is_refused_with_a_message(rw) -> None:
    b = submitted(rw)
    r = client(rw, "operator").post(f"/api/registry/babysitters/{b.pk}/suspend/", {"reason": "x"})
    assert r.status_code == 400
    b.refresh_from_db()
    assert b.status == BabysitterStatus.SUBMITTED


@pytest.mark.parametrize("role", ROLES)
def test_course_and_attendance_management(rw, role) -> None:
    c = client(rw, role)
    data = {"course": rw.course.pk, "tax_code": "ABCDEF90A41D150Q", "first_name": "Anna", "last_name": "Presente",
            "hours_attended": 38, "exam_passed": True}  # fmt: skip
    r = c.post("/api/registry/attendances/", json.dumps(data), content_type="application/json")
    if role in MANAGERS:
        assert r.status_code == 201, r.content
    else:
        assert r.status_code in (401, 403)
    # The course is public; its changes belong to the managers.
    assert c.get(reverse("registry:course_detail", args=[rw.course.pk])).status_code == 200
    r = c.patch(f"/api/registry/courses/{rw.course.pk}/", json.dumps({"hours": 50}), content_type="application/json")
    assert (r.status_code == 200) == (role in MANAGERS)


def test_attendance_import_from_csv(rw) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from concilia.registry.models import CourseAttendance

    csv = (
        "course;tax_code;first_name;last_name;hours_attended;exam_passed\n"
        f"{rw.course.pk};abcdef90a41d150q;Anna;Presente;38;sì\n"
        f"{rw.course.pk};GHIJKL90A41D150Q;Bruno;Assente;12;no\n"
    )
    c = client(rw, "operator")
    r = c.post(reverse("registry:courseattendance_import"), {"file": SimpleUploadedFile("presenze.csv", csv.encode())})
    assert r.status_code == 302, r.content.decode()[:3000]
    rows = {a.tax_code: (a.hours_attended, a.exam_passed) for a in CourseAttendance.objects.all()}
    assert rows == {"ABCDEF90A41D150Q": (38, True), "GHIJKL90A41D150Q": (12, False)}
    # Another organisation's operator may not import into this course.
    r = client(rw, "other_operator").post(
        reverse("registry:courseattendance_import"), {"file": SimpleUploadedFile("p.csv", csv.encode())}
    )
    assert r.status_code in (400, 403)


@pytest.mark.parametrize("role", ROLES)
def test_applications_only_through_the_public_form(rw, role) -> None:
    c = client(rw, role)
    r = c.post("/api/registry/babysitters/", json.dumps({"registry": rw.registry.pk, "first_name": "X"}),
               content_type="application/json")  # fmt: skip
    if role == "admin":
        assert r.status_code == 400  # allowed, but the record is incomplete
    else:
        assert r.status_code in (401, 403)
    assert not Babysitter.objects.exists()
    page = c.get(reverse("registry:babysitter_add"))
    assert page.status_code == 200 if role == "admin" else page.status_code in (302, 403)
