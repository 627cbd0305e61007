"""After a voucher call's ranking: vouchers issued with a code and a QR, redeemed once up to their value at a
covered service by its provider, reimbursed in batches (XLSX), and unused value passed down the ranking."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.choices import RedemptionStatus, VoucherStatus
from concilia.benefits.models import Application, Redemption, Voucher
from concilia.benefits.tests.test_applications import RULES, family
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import services as programming
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus, VoucherBasis
from concilia.programming.models import FamilyCallTerms
from concilia.programming.tests import factories as pf
from concilia.services.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
EURO = 100


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ranked_voucher_call(world: Any, families: int = 3) -> tuple[Any, list[Application]]:
    """A summer-camp voucher call with budget for two vouchers of 4 weeks (€ 360 each), ranked and published."""
    now = clock.now()
    call = pf.CallFactory(
        plan=pf.funded_plan(network=world.network), network=world.network, publisher=world.lead_org,
        kind=CallKind.FAMILY_VOUCHERS, budget_cents=720 * EURO, max_grant_cents=None, rules=RULES,
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=10),
    )  # fmt: skip
    FamilyCallTerms.objects.create(
        call=call, application_unit=ApplicationUnit.HOUSEHOLD, basis=VoucherBasis.PER_WEEK, amount_cents=90 * EURO,
        max_weeks=6, service_kinds=["centro_estivo"],
    )  # fmt: skip
    programming.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    call.refresh_from_db()
    for i in range(families):
        household, child = family(f"estate{i}")
        at = now + dt.timedelta(minutes=i)
        application = services.application_start(call=call, household=household, by=household.owner, now=at)
        services.application_set_children(application=application, weeks={child.pk: 4}, by=household.owner, now=at)
        services.application_declare(
            application=application, declarations=["truthful", "checks", "notice"], by=household.owner, now=at
        )
        services.application_submit(application=application, by=household.owner, now=at)
    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, now=after)
    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    services.ranking_approve(ranking=ranking, by=second, now=after)
    ranking.refresh_from_db()
    order = [e["protocol"] for e in sorted(ranking.entries, key=lambda e: e["rank"] or 99)]
    by_protocol = {a.protocol: a for a in Application.objects.filter(call=call)}
    return call, [by_protocol[p] for p in order]


def test_vouchers_are_issued_redeemed_once_reimbursed_and_what_is_left_goes_on(world: Any) -> None:
    call, (first, second, third) = ranked_voucher_call(world)
    with pytest.raises(PermissionDenied):
        services.vouchers_issue(call=call, by=world.lead)
    issued = services.vouchers_issue(call=call, by=world.coordinator)
    assert {v.application for v in issued} == {first, second} and all(v.value_cents == 360 * EURO for v in issued)
    assert len({v.code for v in issued}) == 2 and all(v.code.startswith("CV-") for v in issued)
    with pytest.raises(ValidationError):
        services.vouchers_issue(call=call, by=world.coordinator)  # once

    camp = ServiceFactory(name="Centro estivo Girandola", kind="centro_estivo", provider=world.provider_org)
    nursery = ServiceFactory(name="Nido", kind="nido", provider=world.provider_org)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="girandola", organisation=world.provider_org)
    stranger = f.user_with_role(Role.SERVICE_PROVIDER, username="altro", organisation=f.OrganisationFactory())
    voucher = Voucher.objects.get(application=first)
    today = clock.today()
    spend = {"period_start": today, "period_end": today + dt.timedelta(days=27), "attendance_days": 20,
             "receipt_number": "R-12"}  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.voucher_redeem(code=voucher.code, service=camp, amount_cents=100, by=stranger, **spend)
    with pytest.raises(ValidationError) as kind:
        services.voucher_redeem(code=voucher.code, service=nursery, amount_cents=100, by=provider, **spend)
    assert "service" in kind.value.message_dict
    with pytest.raises(ValidationError) as too_much:
        services.voucher_redeem(code=voucher.code, service=camp, amount_cents=361 * EURO, by=provider, **spend)
    assert "amount_cents" in too_much.value.message_dict
    with pytest.raises(ValidationError):
        services.voucher_redeem(code="CV-AAAA-AAAA", service=camp, amount_cents=100, by=provider, **spend)
    code = voucher.code.lower().replace("-", " ")  # typed from paper
    redemption = services.voucher_redeem(code=code, service=camp, amount_cents=300 * EURO, by=provider, **spend)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.remaining_cents == 60 * EURO
    with pytest.raises(ValidationError):  # once
        services.voucher_redeem(code=voucher.code, service=camp, amount_cents=10 * EURO, by=provider, **spend)

    batch = services.redemptions_approve(call=call, by=world.coordinator)
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.APPROVED and batch.total_cents == 300 * EURO
    with pytest.raises(ValidationError):
        services.redemptions_approve(call=call, by=world.coordinator)  # nothing waits
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(services.batch_xlsx(batch))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == voucher.code and rows[1][-1] == 300.0 and len(rows) == 2

    # The second family never spends its voucher: it expires, and with the € 60 the first left unspent the
    # budget gives the third family a voucher (round 2).
    unused = Voucher.objects.get(application=second)
    assert services.vouchers_expire(now=clock.now()) == 0
    later = dt.datetime.combine(unused.valid_until + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    assert services.vouchers_expire(now=later) == 1
    unused.refresh_from_db()
    assert unused.status == VoucherStatus.EXPIRED
    passed_on = Voucher.objects.get(application=third)
    assert passed_on.round == 2 and passed_on.value_cents == 360 * EURO
    assert not Voucher.objects.filter(application=second, status=VoucherStatus.ISSUED).exists()
    spent = sum(int(v.redeemed_cents) for v in Voucher.objects.filter(call=call))
    live = sum(int(v.value_cents) for v in Voucher.objects.filter(call=call, status=VoucherStatus.ISSUED))
    assert spent + live <= call.budget_cents  # never beyond the call's budget


def test_a_voucher_is_never_spent_beyond_its_value_nor_twice(world: Any) -> None:
    call, (first, *_rest) = ranked_voucher_call(world, families=2)
    services.vouchers_issue(call=call, by=world.coordinator)
    voucher = Voucher.objects.get(application=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(redeemed_cents=voucher.value_cents + 1)
    camp = ServiceFactory(kind="centro_estivo", provider=world.provider_org)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="campo", organisation=world.provider_org)
    today = clock.today()
    services.voucher_redeem(code=voucher.code, service=camp, amount_cents=100, period_start=today, period_end=today,
                            attendance_days=1, receipt_number="1", by=provider)  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Redemption.objects.create(
            voucher=voucher, provider=world.provider_org, service=camp, amount_cents=100, period_start=today,
            period_end=today, attendance_days=1, receipt_number="2", redeemed_at=clock.now(), redeemed_by=provider,
        )  # fmt: skip


def test_the_pages_of_a_voucher(world: Any) -> None:
    call, (first, second, _third) = ranked_voucher_call(world)
    coordinator = client_for(world.coordinator)
    with translation.override("it"):
        assert "Emetti i voucher" in coordinator.get(f"/famiglia/bandi/{call.pk}/voucher/").content.decode()
        assert coordinator.post(f"/famiglia/bandi/{call.pk}/voucher/", {"action": "issue"}).status_code == 302
    assert client_for(world.lead).get(f"/famiglia/bandi/{call.pk}/voucher/").status_code == 403
    voucher = Voucher.objects.get(application=first)

    family_page = client_for(first.household.owner).get(f"/famiglia/domande/{first.pk}/voucher/").content.decode()
    assert voucher.code in family_page and "<svg" in family_page
    from concilia.benefits.voucher_views import redeem_url

    assert redeem_url(voucher.code).endswith(f"/famiglia/voucher/incassa/?codice={voucher.code}")  # what the QR holds
    other = client_for(second.household.owner)
    assert other.get(f"/famiglia/domande/{first.pk}/voucher/").status_code == 404

    camp = ServiceFactory(name="Centro estivo Girandola", kind="centro_estivo", provider=world.provider_org)
    ServiceFactory(name="Centro di un altro", kind="centro_estivo")
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="girandola", organisation=world.provider_org)
    desk = client_for(provider)
    with translation.override("it"):
        form = desk.get("/famiglia/voucher/incassa/", {"codice": voucher.code}).content.decode()
    assert voucher.code in form and "Centro estivo Girandola" in form and "Centro di un altro" not in form
    today = clock.today().isoformat()
    data = {"code": voucher.code, "service": camp.pk, "amount_cents": "400,00", "period_start": today,
            "period_end": today, "attendance_days": "5", "receipt_number": "R-1"}  # fmt: skip
    with translation.override("it"):
        refused = desk.post("/famiglia/voucher/incassa/", data)
    assert refused.status_code == 400 and not Redemption.objects.exists()
    assert desk.post("/famiglia/voucher/incassa/", {**data, "amount_cents": "360,00"}).status_code == 302
    assert Redemption.objects.get().amount_cents == 360 * EURO
    assert client_for(second.household.owner).get("/famiglia/voucher/incassa/").status_code == 403
    others = f.user_with_role(Role.SERVICE_PROVIDER, username="altro", organisation=f.OrganisationFactory())
    assert voucher.code not in client_for(others).get("/famiglia/voucher/incassa/").content.decode()  # own only

    assert coordinator.post(f"/famiglia/bandi/{call.pk}/voucher/", {"action": "approve"}).status_code == 302
    batch = Redemption.objects.get().batch
    download = coordinator.get(f"/famiglia/bandi/{call.pk}/voucher/lotti/{batch.pk}/")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert client_for(world.lead).get(f"/famiglia/bandi/{call.pk}/voucher/lotti/{batch.pk}/").status_code == 403


def test_a_provider_joins_a_voucher_scheme_when_the_coordinators_accept(world: Any) -> None:
    from concilia.benefits.models import SchemeRequest
    from concilia.services.models import VoucherScheme

    scheme = VoucherScheme.objects.create(code="voucher-rete", name="Voucher della rete", network=world.network)
    camp = ServiceFactory(name="Centro estivo Girandola", kind="centro_estivo", provider=world.provider_org)
    other_camp = ServiceFactory(name="Centro di altri", kind="centro_estivo")
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="girandola", organisation=world.provider_org)
    desk = client_for(provider)
    with translation.override("it"):
        page = desk.get("/famiglia/circuiti/").content.decode()
    assert "Voucher della rete" in page and "Centro estivo Girandola" in page and "Centro di altri" not in page
    assert desk.post(f"/famiglia/circuiti/{scheme.pk}/aderisci/", {"service": other_camp.pk}).status_code == 302
    assert not SchemeRequest.objects.exists()  # not its service: refused
    assert (
        desk.post(f"/famiglia/circuiti/{scheme.pk}/aderisci/", {"service": camp.pk, "message": "Ci siamo"}).status_code
        == 302
    )
    request = SchemeRequest.objects.get()
    with pytest.raises(ValidationError):
        services.scheme_request_submit(scheme=scheme, service=camp, message="", by=provider)  # one pending

    assert client_for(world.lead).get("/famiglia/circuiti/").status_code == 403
    outsider = f.user_with_role(Role.NETWORK_COORDINATOR, username="altra.rete", network=f.NetworkFactory())
    assert (
        client_for(outsider).post(f"/famiglia/circuiti/richieste/{request.pk}/decidi/", {"accept": "1"}).status_code
        == 404
    )
    coordinator = client_for(world.coordinator)
    assert "Centro estivo Girandola" in coordinator.get("/famiglia/circuiti/").content.decode()
    coordinator.post(f"/famiglia/circuiti/richieste/{request.pk}/decidi/", {"accept": "0"})  # a refusal needs a reason
    request.refresh_from_db()
    assert request.status == "pending"
    assert coordinator.post(f"/famiglia/circuiti/richieste/{request.pk}/decidi/", {"accept": "1"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and camp.accepted_vouchers.filter(pk=scheme.pk).exists()
    with pytest.raises(ValidationError):
        services.scheme_request_submit(scheme=scheme, service=camp, message="", by=provider)  # accepts it already
