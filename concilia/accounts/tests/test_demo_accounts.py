"""The demo accounts let a new user log in with each role after ``make run``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from concilia.accounts.models import User
from concilia.core.permissions import can
from concilia.network.models import Alliance, Network

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_their_scoped_roles(territory_loaded: None) -> None:
    call_command("load_demo", "--only", "network", "accounts", stdout=io.StringIO())
    call_command("load_demo", "--only", "network", "accounts", stdout=io.StringIO())  # idempotent
    assert User.objects.filter(username__in=["admin", "coordinatore.cremona", "capofila.cip"]).count() == 3
    lead = User.objects.get(username="capofila.cip")
    cip = Alliance.objects.get(name="C.I.P. – Conciliazione In Pratica")
    netco = Alliance.objects.get(name="Net & Co")
    assert can(lead, "change", cip) and not can(lead, "change", netco)
    coordinator = User.objects.get(username="coordinatore.cremona")
    cremona = Network.objects.get(name="Rete territoriale per la conciliazione della provincia di Cremona")
    milano = Network.objects.get(name="Rete territoriale per la conciliazione dell'ASL Milano")
    assert can(coordinator, "change", cremona) and not can(coordinator, "change", milano)
    client = Client()
    assert client.post("/accesso/", {"username": "capofila.cip", "password": "concilia-demo"}).status_code == 302
    assert client.get(f"/rete/alleanze/{cip.pk}/modifica/").status_code == 200
    assert client.get(f"/rete/alleanze/{netco.pk}/modifica/").status_code == 403
