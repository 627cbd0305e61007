"""Privacy basics (issue 13): history redacted on deletion, retention applied daily, a person's data in one file."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessLog
from django.core.management import call_command
from django.test import Client

from concilia.conftest import World
from concilia.core import clock, privacy
from concilia.core.services import object_delete
from concilia.core.testing import factories as f
from concilia.helpdesk.models import Appointment, Case, Referral
from concilia.helpdesk.tests import factories as hf
from concilia.network.models import Contact
from concilia.registry import services as registry_services
from concilia.registry.models import Babysitter, ContactMessage
from concilia.registry.tests import factories as rf

pytestmark = pytest.mark.django_db


def history_values(model: type[Any], pk: int, field: str) -> list[Any]:
    return list(model.history.filter(id=pk).values_list(field, flat=True))


def test_every_personal_field_named_exists_and_has_an_empty_value() -> None:
    models = privacy.personal_models()
    assert {m.__name__ for m in models} >= {
        "Appointment",
        "Case",
        "Referral",
        "Babysitter",
        "ContactMessage",
        "Contact",
    }
    for model in models:
        assert privacy.blanks(model, model.personal_fields)  # raises FieldDoesNotExist on a typo


def test_deleting_a_case_blanks_its_personal_fields_in_every_history_row(world: World) -> None:
    desk = hf.desk(world)
    case = hf.case(desk, description="Figlio con disabilità, madre in cura")
    case.description = "Aggiornato: terapia in corso"
    case.save()
    pk = case.pk
    assert len(history_values(Case, pk, "description")) == 2
    object_delete(instance=case, by=world.admin)
    rows = history_values(Case, pk, "description")
    assert len(rows) == 3 and set(rows) == {""}  # the deletion row too
    assert set(history_values(Case, pk, "last_name")) == {""}
    assert set(history_values(Case, pk, "desk_id")) == {desk.pk}  # what is not personal stays


def test_deleting_a_contact_through_the_admin_redacts_its_history(world: World) -> None:
    contact = Contact.objects.create(organisation=world.lead_org, name="Maria Verdi", email="maria.verdi@example.org")
    admin = Client()
    admin.force_login(world.admin)
    answer = admin.post(f"/admin/network/contact/{contact.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert set(history_values(Contact, contact.pk, "email")) == {""}
    history = admin.get(f"/admin/network/contact/{contact.pk}/history/")
    assert "maria.verdi" not in history.content.decode()


def test_appointments_are_anonymised_after_their_retention_and_still_counted(world: World) -> None:
    desk = hf.desk(world)
    today = clock.today()
    old = hf.appointment(desk, starts_at=hf.at(today - dt.timedelta(days=91), 10), note="Mia figlia ha l'epilessia")
    recent = hf.appointment(desk, starts_at=hf.at(today - dt.timedelta(days=89), 10))
    old_token = old.token
    done = privacy.apply_retention(today=today)
    assert done["helpdesk.appointments"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone, old.note) == ("", "", "", "", "")
    assert old.anonymised_on == today and old.token != old_token
    assert set(history_values(Appointment, old.pk, "note")) == {""}
    assert set(history_values(Appointment, old.pk, "token")) == {""}
    assert recent.first_name == "Giulia" and recent.anonymised_on is None
    assert Appointment.objects.filter(desk=desk).count() == 2  # counts unchanged
    assert Client().get(f"/sportelli/prenotazione/{old_token}/").status_code == 404
    # a second run the same day changes nothing
    assert privacy.apply_retention(today=today)["helpdesk.appointments"] == 0


def test_closed_cases_are_anonymised_with_their_referrals_notes_open_ones_kept(world: World) -> None:
    desk = hf.desk(world)
    closed = hf.case(desk, status="closed")
    hf.referral(closed, note="Seguita dal consultorio")
    still_open = hf.case(desk)
    later = clock.today() + dt.timedelta(days=731)
    assert privacy.apply_retention(today=later)["helpdesk.cases"] == 1
    closed.refresh_from_db()
    assert (closed.last_name, closed.email, closed.description) == ("", "", "")
    assert closed.needs == ["childcare"] and closed.desk == desk  # the statistics' fields stay
    assert Referral.objects.get(case=closed).note == ""
    assert Case.objects.get(pk=still_open.pk).anonymised_on is None


def test_rejected_babysitter_applications_and_old_messages_are_anonymised() -> None:
    w = rf.make_world()
    rejected = registry_services.babysitter_reject(babysitter=rf.submitted(w), by=w.operator, reason="Documenti falsi")
    listed = rf.listed(w, tax_code=rf.tax_code(), email="altra@example.org")
    message = ContactMessage.objects.create(
        babysitter=listed, family_name="Famiglia Neri", family_email="neri@example.org", message="Ci serve il martedì",
        created_at=clock.now(),
    )  # fmt: skip
    done = privacy.apply_retention(today=clock.today() + dt.timedelta(days=366))
    assert done["registry.babysitters"] == 1 and done["registry.messages"] == 1
    rejected.refresh_from_db()
    assert (rejected.first_name, rejected.tax_code, rejected.email, rejected.status_reason) == ("", "", "", "")
    assert rejected.birth_date == privacy.SENTINEL_DATE and not rejected.availability.exists()
    assert rejected.reference and rejected.status == "rejected"
    assert Babysitter.objects.get(pk=listed.pk).first_name == "Zoraide"
    message.refresh_from_db()
    assert (message.family_name, message.family_email, message.message) == ("", "", "")


def test_login_records_go_after_their_retention_and_the_command_reports_each_rule(world: World) -> None:
    AccessLog.objects.create(username="mario", ip_address="192.0.2.1", user_agent="x", path_info="/accesso/")
    out = StringIO()
    call_command("apply_retention", "--date", (clock.today() + dt.timedelta(days=91)).isoformat(), stdout=out)
    assert "accounts.login_records: 1" in out.getvalue()
    assert "helpdesk.appointments: 0" in out.getvalue()
    assert not AccessLog.objects.exists()


def export(client: Client, **data: str) -> Any:
    return client.post("/account/dati-personali/", data)


def test_a_desk_operator_exports_what_their_desk_holds_about_a_person_and_nothing_else(world: World) -> None:
    own = hf.desk(world)
    other = hf.desk(world)
    operator = hf.operator(own.organisation)
    hf.appointment(own, email="Anna.Blu@example.org", first_name="Anna")
    hf.case(own, email="anna.blu@example.org", description="Cerca un centro estivo")
    hf.appointment(other, email="anna.blu@example.org", note="Presso un altro sportello")
    client = Client()
    client.force_login(operator)
    answer = export(client, email="anna.blu@example.org")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="dati-personali-')
    document = json.loads(answer.content)
    assert len(document["records"]["helpdesk.appointments"]) == 1
    assert document["records"]["helpdesk.cases"][0]["description"] == "Cerca un centro estivo"
    assert "Presso un altro sportello" not in answer.content.decode()
    assert document["exported_by"] == operator.username


def test_the_export_page_refuses_visitors_and_explains_bad_or_empty_requests(world: World) -> None:
    assert Client().get("/account/dati-personali/").status_code == 302
    client = Client()
    client.force_login(f.UserFactory())
    assert client.get("/account/dati-personali/").status_code == 200
    assert export(client).status_code == 400
    assert export(client, tax_code="RSSMRA").status_code == 400
    nothing = export(client, email="nessuno@example.org")
    assert nothing.status_code == 200 and nothing["Content-Type"].startswith("text/html")
