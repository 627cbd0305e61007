"""Applying through the pages, as a family does: the call, each step, the summary, the receipt and the e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from concilia.benefits.models import Application
from concilia.benefits.tests.test_applications import family, voucher_call
from concilia.core.models import Notification
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_family_applies_step_by_step_and_gets_its_receipt(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call = voucher_call(world)
    household, child = family("ferrari")
    household.owner.email = "ferrari@example.org"
    household.owner.save()
    c = client_for(household.owner)
    with translation.override("it"):
        listing = c.get("/famiglia/bandi/").content.decode()
        assert call.title in listing
        start = c.post(f"/famiglia/bandi/{call.pk}/")
        application = Application.objects.get(call=call, household=household)
        assert start["Location"] == f"/famiglia/domande/{application.pk}/"
        assert c.post(f"/famiglia/bandi/{call.pk}/").status_code == 302  # twice: still one application
        assert Application.objects.filter(call=call).count() == 1

        summary = c.get(f"/famiglia/domande/{application.pk}/").content.decode()
        assert "Scegli i figli per cui fai domanda" in summary and "Invia la domanda" not in summary

        too_many = c.post(f"/famiglia/domande/{application.pk}/passo/children/", {f"child_{child.pk}": "9"})
        assert too_many.status_code == 400 and "6" in too_many.content.decode()
        step = c.post(f"/famiglia/domande/{application.pk}/passo/children/", {f"child_{child.pk}": "4"})
        assert step["Location"] == f"/famiglia/domande/{application.pk}/passo/declarations/"

        unticked = c.post(f"/famiglia/domande/{application.pk}/passo/declarations/", {"declare_truthful": "on"})
        assert unticked.status_code == 400 and "Spunta ogni dichiarazione" in unticked.content.decode()
        ticked = {"declare_truthful": "on", "declare_checks": "on", "declare_notice": "on", "attachment_kind": "isee"}
        upload = SimpleUploadedFile("isee.pdf", b"%PDF-1.7 attestazione", content_type="application/pdf")
        assert c.post(
            f"/famiglia/domande/{application.pk}/passo/declarations/", {**ticked, "attachment": upload}
        ).status_code == 302  # fmt: skip

        ready = c.get(f"/famiglia/domande/{application.pk}/").content.decode()
        assert "data-eligible" in ready and "isee.pdf" in ready
        with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the submission commits
            c.post(f"/famiglia/domande/{application.pk}/invia/")
        application.refresh_from_db()
        assert application.protocol_number == 1
        done = c.get(f"/famiglia/domande/{application.pk}/").content.decode()
        assert application.protocol in done and "Presentata" in done

    receipt = c.get(f"/famiglia/domande/{application.pk}/ricevuta/")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert application.protocol.encode() in receipt.content
    (message,) = mail.outbox
    assert message.to == ["ferrari@example.org"] and application.protocol in message.subject
    assert message.attachments[0][0].endswith(".pdf") and message.attachments[0][1].startswith(b"%PDF")
    notice = Notification.objects.get(user=household.owner)
    assert notice.emailed and notice.link == f"/famiglia/domande/{application.pk}/"
    attachment = application.attachments.get()
    download = c.get(f"/famiglia/domande/{application.pk}/allegati/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_nobody_else_opens_a_familys_application(world: Any) -> None:
    call = voucher_call(world)
    household, _child = family("esposito")
    owner = client_for(household.owner)
    owner.post(f"/famiglia/bandi/{call.pk}/")
    application = Application.objects.get(household=household)
    owner.post(
        f"/famiglia/domande/{application.pk}/passo/declarations/",
        {"declare_truthful": "on", "declare_checks": "on", "declare_notice": "on", "attachment_kind": "isee",
         "attachment": SimpleUploadedFile("isee.pdf", b"%PDF-1.7 x", content_type="application/pdf")},
    )  # fmt: skip
    attachment = application.attachments.get()
    urls = [
        f"/famiglia/domande/{application.pk}/",
        f"/famiglia/domande/{application.pk}/passo/children/",
        f"/famiglia/domande/{application.pk}/passo/declarations/",
        f"/famiglia/domande/{application.pk}/ricevuta/",
        f"/famiglia/domande/{application.pk}/allegati/{attachment.pk}/",
    ]
    for user in (f.UserFactory(username="altra-famiglia"), world.coordinator, world.lead, world.provider, world.admin):
        c = client_for(user)
        for url in urls:
            assert c.get(url).status_code == 404, (user, url)
        assert c.post(f"/famiglia/domande/{application.pk}/invia/").status_code == 404, user
        assert c.post(f"/famiglia/domande/{application.pk}/ritira/").status_code == 404, user
    for url in urls:
        assert Client().get(url).status_code == 302  # anonymous: to the login
    # A call's page is open to any signed-in person (staff included); a closed or non-family call is not found.
    for user in (f.UserFactory(username="curiosa"), world.coordinator):
        assert client_for(user).get(f"/famiglia/bandi/{call.pk}/").status_code == 200
    from concilia.programming.tests import factories as pf

    alliance_call = pf.CallFactory(plan=pf.PlanFactory(network=world.network), network=world.network,
                                   publisher=world.lead_org, status="open", max_grant_cents=None)  # fmt: skip
    assert owner.get(f"/famiglia/bandi/{alliance_call.pk}/").status_code == 404  # not a call for families
    application.refresh_from_db()
    assert application.status == "draft"
