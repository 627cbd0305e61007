"""A family applies to a voucher call: eligibility in words, protocol numbers, versions, withdrawal, attachments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.choices import ApplicationStatus
from concilia.benefits.models import Adult, Application, Child, Household
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.programming import services as programming
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus, VoucherBasis
from concilia.programming.models import FamilyCallTerms
from concilia.programming.tests import factories as pf

pytestmark = pytest.mark.django_db

EURO = 100
RULES = (
    "eligibility:\n"
    "  - {id: lavoro, reason: Entrambi i genitori devono lavorare, rule: {is_true: {field: both_parents_working}}}\n"
)


def voucher_call(world: Any) -> Any:
    plan = pf.funded_plan(network=world.network)
    now = clock.now()
    call = pf.CallFactory(
        plan=plan,
        network=world.network,
        publisher=world.lead_org,
        kind=CallKind.FAMILY_VOUCHERS,
        budget_cents=10_000 * EURO,
        max_grant_cents=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=10),
        rules=RULES,
    )
    FamilyCallTerms.objects.create(
        call=call, application_unit=ApplicationUnit.HOUSEHOLD, basis=VoucherBasis.PER_WEEK, amount_cents=90 * EURO,
        max_weeks=6,
    )  # fmt: skip
    programming.call_transition(call=call, to=CallStatus.OPEN, by=world.coordinator)
    call.refresh_from_db()
    return call


def family(name: str, *, working: bool = True) -> tuple[Household, Child]:
    owner = f.UserFactory(username=name)
    household = services.household_save(owner=owner, by=owner)
    for first in ("Anna", "Marco"):
        services.member_save(
            member=Adult(household=household, first_name=first, last_name=name, birth_date=dt.date(1988, 1, 1),
                         employment="self_employed" if working else "job_seeker", weekly_hours=30 if working else None),
            by=owner,
        )  # fmt: skip
    child = services.member_save(
        member=Child(household=household, first_name="Bea", last_name=name, birth_date=dt.date(2018, 4, 2)), by=owner
    )
    return household, child


def ready(call: Any, household: Household, child: Child, by: Any) -> Application:
    application = services.application_start(call=call, household=household, by=by)
    services.application_set_children(application=application, weeks={child.pk: 4}, by=by)
    services.application_declare(application=application, declarations=["truthful", "checks", "notice"], by=by)
    return application


def test_a_family_submits_changes_and_withdraws(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("rossi")
    owner = household.owner
    application = ready(call, household, child, owner)
    assert services.application_start(call=call, household=household, by=owner) == application  # a double click
    assert services.eligibility_problems(application) == []

    submitted = services.application_submit(application=application, by=owner)
    assert submitted.status == ApplicationStatus.SUBMITTED and submitted.protocol_number == 1
    assert submitted.protocol == f"{call.code.upper()}/0001"
    first = submitted.versions.get()
    assert first.data["fields"]["weeks_requested"] == 4 and first.data["fields"]["both_parents_working"] is True
    # A double click, or a retry after a lost answer: the same submission, nothing new, the first time kept.
    later = submitted.submitted_at + dt.timedelta(seconds=3)
    repeated = services.application_submit(application=application, by=owner, now=later)
    assert repeated.versions.count() == 1 and repeated.submitted_at == first.submitted_at

    services.application_set_children(application=application, weeks={child.pk: 6}, by=owner)
    again = services.application_submit(application=application, by=owner)
    assert again.protocol_number == 1 and [v.number for v in again.versions.all()] == [1, 2]
    assert again.versions.get(number=2).data["fields"]["weeks_requested"] == 6
    assert again.versions.get(number=1).data["fields"]["weeks_requested"] == 4  # the first version stays

    other, other_child = family("bianchi")
    second = services.application_submit(application=ready(call, other, other_child, other.owner), by=other.owner)
    assert second.protocol_number == 2

    withdrawn = services.application_withdraw(application=application, by=owner)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN and withdrawn.protocol_number == 1
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=owner)


def test_an_ineligible_family_is_told_why_and_nothing_is_recorded(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("verdi", working=False)
    application = ready(call, household, child, household.owner)
    assert services.eligibility_problems(application) == ["Entrambi i genitori devono lavorare"]
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, by=household.owner)
    assert refused.value.messages == ["Entrambi i genitori devono lavorare"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.protocol_number is None
    assert not application.versions.exists()

    empty = services.application_start(call=call, household=family("neri")[0], by=None)
    assert len(services.eligibility_problems(empty)) == 2  # no child chosen, no declarations: said in words


def test_only_the_family_or_a_desk_operator_acts_and_the_window_holds(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("gialli")
    neighbour = f.UserFactory(username="vicino")
    with pytest.raises(PermissionDenied):
        services.application_start(call=call, household=household, by=neighbour)
    with pytest.raises(PermissionDenied):
        services.application_start(call=call, household=household, by=world.coordinator)
    operator = f.user_with_role(Role.DESK_OPERATOR, username="sportellista", organisation=world.provider_org)
    application = ready(call, household, child, operator)
    assert application.filed_by == operator
    another = f.user_with_role(Role.DESK_OPERATOR, username="altro.sportello", organisation=world.provider_org)
    with pytest.raises(PermissionDenied):  # an application is acted on by the operator who filed it, not any other
        services.application_submit(application=application, by=another)
    with pytest.raises(ValidationError) as half:  # every declaration, or none is recorded
        services.application_declare(application=application, declarations=["truthful"], by=operator)
    assert "declarations" in half.value.message_dict
    services.application_submit(application=application, by=operator)

    late = call.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as closed:
        services.application_withdraw(application=application, by=household.owner, now=late)
    assert "chiuso" in " ".join(closed.value.messages) or "closed" in " ".join(closed.value.messages)
    with pytest.raises(ValidationError):
        services.application_submit(application=application, by=household.owner, now=call.closes_at)


def test_one_application_per_household_is_a_database_rule(world: Any) -> None:
    call = voucher_call(world)
    household, _child = family("viola")
    Application.objects.create(call=call, household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=call, household=household)


def test_attachments_are_checked_by_content_and_kept_outside_the_web_root(world: Any, tmp_path: Path) -> None:
    call = voucher_call(world)
    household, child = family("azzurri")
    application = ready(call, household, child, household.owner)
    pdf = services.attachment_add(
        application=application, kind="isee", name="isee.pdf", content=b"%PDF-1.7\n%...", by=household.owner
    )
    stored = Path(pdf.file.path)
    assert stored.is_file() and pdf.content_type == "application/pdf" and len(pdf.sha256) == 64
    assert Path(settings.CONCILIA_PRIVATE_MEDIA_ROOT) in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    with pytest.raises(ValidationError) as text:
        services.attachment_add(
            application=application, kind="isee", name="isee.pdf", content=b"not really a pdf", by=household.owner
        )
    assert "PDF" in str(text.value)
    with pytest.raises(ValidationError):
        services.attachment_add(
            application=application, kind="isee", name="big.pdf", content=b"%PDF-" + b"0" * (6 * 1024 * 1024),
            by=household.owner,
        )  # fmt: skip
    assert application.attachments.count() == 1
