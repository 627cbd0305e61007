"""The demo data does not contradict itself, and the pages say what the dates say (issue 15, points 4 and 12).

A record valid until a date is in force on that date and ended after it, by one rule
(``NetworkQuerySet.current_on`` / ``MembershipQuerySet.current_on``, today from the injected clock),
used by the home page, the network pages and the member lists. The demo loader dates the history
of the events it loads (agreements signed, the 2017 merger) on the day they happened.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from concilia.core.testing.demo import demo_loaded
from concilia.network import demo
from concilia.network.models import Agreement, Alliance, Membership, Network, Organisation

VAL_PADANA = "Rete territoriale per la conciliazione dell'ATS Val Padana"
CREMONA = "Rete territoriale per la conciliazione della provincia di Cremona"
ASL_MILANO = "Rete territoriale per la conciliazione dell'ASL Milano"
ASL_MILANO_1 = "Rete territoriale per la conciliazione dell'ASL Milano 1"
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.LoadResult]:
    with demo_loaded(django_db_blocker, partial(demo.load, force=True)) as result:
        yield result


@pytest.fixture
def data(loaded: demo.LoadResult, db: None, time_machine: Any) -> demo.LoadResult:
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, tzinfo=dt.UTC), tick=False)
    return loaded


# -- the demo contradicts nothing ---------------------------------------------------------------------


def test_no_current_member_is_an_organisation_that_had_ceased(data: Any) -> None:
    for membership in Membership.objects.current_on(TODAY).select_related("organisation", "network"):
        ended = membership.organisation.valid_to
        assert ended is None or ended >= TODAY, membership
        assert membership.joined_on is None or ended is None or ended >= membership.joined_on, membership


def test_no_membership_starts_after_its_organisation_ceased(data: Any) -> None:
    wrong = Membership.objects.filter(organisation__valid_to__lt=F("joined_on")).select_related("organisation")
    assert [str(m) for m in wrong] == []


def test_the_ceased_asls_are_not_carried_into_the_ats_network(data: Any) -> None:
    ats = Network.objects.get(name=VAL_PADANA)
    members = set(ats.memberships.values_list("organisation__name", flat=True))
    assert "ASL Cremona" not in members
    assert "ASL Mantova" not in members
    assert "ATS Val Padana" in members


def test_no_network_is_active_after_its_end_nor_run_by_a_ceased_coordinator(data: Any) -> None:
    current = Network.objects.current_on(TODAY).select_related("coordinator")
    for network in current:
        assert network.ended_on is None or network.ended_on >= TODAY, network
        assert network.coordinator.valid_to is None or network.coordinator.valid_to >= TODAY, network
    names = set(current.values_list("name", flat=True))
    assert ASL_MILANO not in names and ASL_MILANO_1 not in names
    assert not Network.objects.get(name=ASL_MILANO).is_active


def test_no_alliance_is_both_open_and_closed_to_new_partners(data: Any) -> None:
    for alliance in Alliance.objects.all():
        ended = alliance.ended_on is not None and alliance.ended_on < TODAY
        assert not (ended and alliance.open_to_new_partners), alliance
        assert alliance.accepts_new_partners == (alliance.open_to_new_partners and not ended)
    assert not Alliance.objects.get(name="Governare gli equilibri").accepts_new_partners


def test_a_record_valid_until_a_date_is_in_force_that_day_and_ended_the_day_after(data: Any) -> None:
    network = Network.objects.get(name=ASL_MILANO)
    assert network.ended_on == dt.date(2015, 12, 31)
    assert Network.objects.current_on(dt.date(2015, 12, 31)).filter(pk=network.pk).exists()
    assert not Network.objects.current_on(dt.date(2016, 1, 1)).filter(pk=network.pk).exists()


# -- the pages -------------------------------------------------------------------------------------------


def test_home_lists_only_the_networks_in_force(data: Any) -> None:
    body = Client().get(reverse("portal:home")).content.decode()
    assert "ATS Val Padana" in body
    assert ASL_MILANO not in body and "dell&#x27;ASL Milano" not in body


def test_the_ats_network_page_does_not_show_the_ceased_asls_as_members(data: Any) -> None:
    ats = Network.objects.get(name=VAL_PADANA)
    body = Client().get(ats.get_absolute_url()).content.decode()
    section = body.split('id="members-heading"')[1].split("</section>")[0]
    assert "ASL Cremona" not in section and "ASL Mantova" not in section
    assert "ATS Val Padana" in section


def test_the_network_page_exports_its_members_with_the_register_export(data: Any) -> None:
    ats = Network.objects.get(name=VAL_PADANA)
    client = Client()
    body = client.get(ats.get_absolute_url()).content.decode()
    export_url = reverse("network:membership_list") + f"?network={ats.pk}&amp;active=active&amp;_export=csv"
    assert export_url in body
    response = client.get(export_url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    exported = " ".join(" ".join(r) for r in rows[1:])
    expected = Membership.objects.current_on(TODAY).filter(network=ats).select_related("organisation")
    assert len(rows) - 1 == expected.count() > 0
    for m in expected:
        assert m.organisation.name in exported
    assert "ASL Cremona" not in exported
    xlsx = client.get(reverse("network:membership_list"), {"network": ats.pk, "_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


# -- the history -----------------------------------------------------------------------------------------


def _rome_date(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant).date()


def test_the_ats_network_history_shows_the_merger_on_its_date(data: Any) -> None:
    ats = Network.objects.get(name=VAL_PADANA)
    merger = [h for h in ats.history.all() if "Fusione" in (h.history_change_reason or "")]
    assert {_rome_date(h.history_date) for h in merger} == {dt.date(2017, 1, 1)}
    assert any("Cremona" in h.history_change_reason for h in merger)
    assert any("Mantova" in h.history_change_reason for h in merger)
    page = Client().get(reverse("network:network_history", args=[ats.pk])).content.decode()
    assert "Fusione" in page and "2017" in page
    cremona = Network.objects.get(name=CREMONA)
    last = cremona.history.order_by("-history_id").first()
    assert "Fusione nella rete" in last.history_change_reason
    assert _rome_date(last.history_date) == dt.date(2017, 1, 1)


def test_agreements_are_in_the_history_on_the_day_they_were_signed(data: Any) -> None:
    dated = Agreement.objects.exclude(signed_on=None, signed_year=None)
    assert dated.exists()
    for agreement in dated:
        first = agreement.history.order_by("history_id").first()
        day = agreement.signed_on or dt.date(agreement.signed_year, 1, 1)
        assert _rome_date(first.history_date) == day
        assert first.history_change_reason.startswith(f"Sottoscrizione dell'accordo «{agreement.title}»")


def test_organisations_that_ceased_are_not_counted_as_members_on_the_home_page(data: Any) -> None:
    assert Organisation.objects.get(name="ASL Cremona").valid_to == dt.date(2015, 12, 31)
