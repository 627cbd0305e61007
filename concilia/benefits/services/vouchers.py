"""After a voucher call's ranking: vouchers issued, spent at a provider, reimbursed; unused value passed on.

1. :func:`vouchers_issue` (a coordinator, once the ranking is published): a :class:`Voucher` for every funded
   application, worth what the engine granted, with a code (and its QR in the family's area), valid for
   :data:`VALID_DAYS` days at the services the call covers.
2. The provider redeems it (:func:`voucher_redeem`) from a phone: the code, the service, the amount, the
   period, the days attended and its receipt. A voucher is redeemed once, up to its value (a database
   constraint each), at a service the call covers, while it is valid.
3. A coordinator approves the redemptions waiting in a batch (:func:`redemptions_approve`), exported as a
   spreadsheet for the payments (:func:`batch_xlsx`).
4. A voucher not spent by its last day expires (:func:`vouchers_expire`, the beat task
   ``concilia.expire_vouchers``); its value, and what a redeemed one left unspent, goes back to the call and
   the engine's budget re-run (``allocation.engine.rerun``) gives it down the ranking: new vouchers, round 2.

The value never leaves the call's budget: the engine keeps every grant within it, and a redemption within
its voucher (the constraint ``benefits_voucher_within_value``).
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.accounts.choices import Role
from concilia.allocation.engine import rerun
from concilia.benefits.choices import RedemptionStatus, VoucherStatus
from concilia.benefits.models import Application, FamilyRanking, Redemption, ReimbursementBatch, Voucher
from concilia.benefits.services.closing import engine_inputs, published_ranking
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.receipts import euro
from concilia.core.workflow import relock
from concilia.programming.choices import CallKind
from concilia.programming.models import Call
from concilia.programming.services.common import require_coordinator

#: How long a voucher may be spent, from the day it is issued.
VALID_DAYS = 180
#: The letters of a code: no 0/O, 1/I, 2/Z, 5/S, 8/B (read aloud on the phone, typed from paper).
ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
FUNDED = ("funded", "partially_funded")


def new_code() -> str:
    """``CV-XXXX-XXXX``: 8 random letters and digits (26⁸, about 2·10¹¹ codes)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"CV-{body[:4]}-{body[4:]}"


def normalise_code(text: str) -> str:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    compact = compact.removeprefix("CV")
    return f"CV-{compact[:4]}-{compact[4:8]}" if len(compact) == 8 else text.strip().upper()


def _issue(
    *, call: Call, ranking: FamilyRanking, grants: dict[str, int], now: dt.datetime, round_: int
) -> list[Voucher]:
    """Vouchers for ``grants`` (protocol → cents), each with a fresh code; the families are told."""
    ids = {row["protocol"]: row["application"] for row in ranking.snapshot.applications}
    applications = Application.objects.in_bulk([ids[p] for p in grants])
    today = timezone.localtime(now).date()
    made = []
    for protocol, cents in sorted(grants.items()):
        if cents <= 0:
            continue
        for _attempt in range(5):  # a code already taken (about one chance in 10¹¹): another
            try:
                with transaction.atomic():
                    voucher = Voucher(
                        application=applications[ids[protocol]], call=call, ranking=ranking, round=round_,
                        code=new_code(), value_cents=cents, valid_from=today,
                        valid_until=today + dt.timedelta(days=VALID_DAYS), issued_at=now,
                    )  # fmt: skip
                    voucher.full_clean(validate_unique=False, validate_constraints=False)
                    voucher.save()
                break
            except IntegrityError:
                continue
        made.append(voucher)
    _tell(made)
    return made


def vouchers_issue(*, call: Call, by: Any, now: dt.datetime | None = None) -> list[Voucher]:
    """Issue the vouchers of the published ranking to the funded applications (once per call)."""
    now = now or clock.now()
    require_coordinator(call, by)
    if call.kind != CallKind.FAMILY_VOUCHERS:
        raise ValidationError(_("Only a voucher call issues vouchers."))
    with transaction.atomic():
        call = relock(call)
        ranking = published_ranking(call)
        if ranking is None:
            raise ValidationError(_("The vouchers are issued once the ranking is published."))
        if Voucher.objects.filter(call=call).exists():
            raise ValidationError(_("The vouchers of this call have been issued already."))
        grants = {
            e["protocol"]: int(e.get("granted_cents") or 0) for e in ranking.entries if e.get("outcome") in FUNDED
        }
        return _issue(call=call, ranking=ranking, grants=grants, now=now, round_=1)


def covered(call: Call, service: Any) -> str | None:
    """Why the call's vouchers cannot be spent at ``service`` (``None``: they can)."""
    terms = getattr(call, "family_terms", None)
    if terms is None:
        return None
    if terms.service_kinds and service.kind not in terms.service_kinds:
        return _("The call's vouchers are not for this kind of service (%(kind)s).") % {
            "kind": service.get_kind_display()}  # fmt: skip
    if terms.providers.exists() and not terms.providers.filter(pk=service.provider_id).exists():
        return _("The call's vouchers are not for this provider.")
    if terms.voucher_scheme_id and not service.accepted_vouchers.filter(pk=terms.voucher_scheme_id).exists():
        return _("This service does not accept the call's voucher scheme.")
    return None


def voucher_redeem(
    *, code: str, service: Any, amount_cents: int, period_start: dt.date, period_end: dt.date,
    attendance_days: int, receipt_number: str, by: Any, now: dt.datetime | None = None,
) -> Redemption:  # fmt: skip
    """The provider spends a voucher at one of its services: once, up to its value, while it is valid."""
    now = now or clock.now()
    scope = scope_of(by)
    if not (scope.is_admin or service.provider_id in scope.organisation_ids(Role.SERVICE_PROVIDER)):
        raise PermissionDenied(_("Only the provider of the service redeems a voucher there."))
    voucher = Voucher.objects.filter(code=normalise_code(code)).select_related("call__family_terms").first()
    if voucher is None:
        raise ValidationError({"code": _("No voucher has this code: check it with the family.")})
    errors: dict[str, str] = {}
    if period_end < period_start:
        errors["period_end"] = _("The period ends after it starts.")
    if amount_cents <= 0:
        errors["amount_cents"] = _("The amount must be more than zero.")
    if not receipt_number.strip():
        errors["receipt_number"] = _("The number of your receipt to the family is needed.")
    reason = covered(voucher.call, service)
    if reason:
        errors["service"] = reason
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        voucher = relock(voucher)
        today = timezone.localtime(now).date()
        if voucher.status != VoucherStatus.ISSUED:
            raise ValidationError({"code": _("This voucher cannot be spent: %(status)s.") % {
                "status": voucher.get_status_display()}})  # fmt: skip
        if not (voucher.valid_from <= today <= voucher.valid_until):
            raise ValidationError(
                {
                    "code": _("This voucher is valid from %(start)s to %(end)s.")
                    % {
                        "start": voucher.valid_from.strftime("%d/%m/%Y"),
                        "end": voucher.valid_until.strftime("%d/%m/%Y"),
                    }
                }
            )
        if amount_cents > voucher.remaining_cents:
            raise ValidationError({"amount_cents": _("The voucher is worth %(value)s: the amount cannot exceed it.") % {
                "value": euro(voucher.remaining_cents)}})  # fmt: skip
        redemption = Redemption(
            voucher=voucher, provider_id=service.provider_id, service=service, amount_cents=amount_cents,
            period_start=period_start, period_end=period_end, attendance_days=attendance_days,
            receipt_number=receipt_number.strip(), redeemed_at=now, redeemed_by=by,
        )  # fmt: skip
        redemption.full_clean()
        redemption.save()
        voucher.redeemed_cents = int(voucher.redeemed_cents) + amount_cents
        voucher.status = VoucherStatus.REDEEMED
        voucher.save(update_fields=["redeemed_cents", "status", "updated_at"])
    return redemption


def redemptions_approve(*, call: Call, by: Any, now: dt.datetime | None = None) -> ReimbursementBatch:
    """Approve every redemption of the call waiting for reimbursement, as one batch."""
    now = now or clock.now()
    require_coordinator(call, by)
    with transaction.atomic():
        call = relock(call)
        waiting = Redemption.objects.select_for_update().filter(voucher__call=call, status=RedemptionStatus.SUBMITTED)
        rows = list(waiting)
        if not rows:
            raise ValidationError(_("No redemption waits for reimbursement."))
        batch = ReimbursementBatch.objects.create(
            call=call, approved_by=by, approved_at=now, total_cents=sum(int(r.amount_cents) for r in rows)
        )
        Redemption.objects.filter(pk__in=[r.pk for r in rows]).update(status=RedemptionStatus.APPROVED, batch=batch)
    return batch


def batch_xlsx(batch: ReimbursementBatch) -> bytes:
    """The payments of a batch, one row per redemption, with a total per provider (XLSX)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Payments")[:31]
    sheet.append([_("Provider"), _("Tax code"), _("VAT number"), _("Service"), _("Voucher"), _("Protocol"),
                  _("From"), _("To"), _("Days attended"), _("Receipt number"), _("Amount (euro)")])  # fmt: skip
    rows = batch.redemptions.select_related("provider", "service", "voucher__application").order_by("provider__name")
    for r in rows:
        sheet.append([r.provider.name, r.provider.tax_code, r.provider.vat_number, r.service.name, r.voucher.code,
                      r.voucher.application.protocol, r.period_start, r.period_end, r.attendance_days,
                      r.receipt_number, int(r.amount_cents) / 100])  # fmt: skip
    totals = book.create_sheet(_("Per provider")[:31])
    totals.append([_("Provider"), _("Tax code"), _("Amount (euro)")])
    for row in rows.values("provider__name", "provider__tax_code").annotate(total=Sum("amount_cents")):
        totals.append([row["provider__name"], row["provider__tax_code"], int(row["total"]) / 100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def vouchers_expire(*, now: dt.datetime | None = None) -> int:
    """Vouchers past their last day expire; what they (and the spent ones) left goes down the ranking."""
    now = now or clock.now()
    today = timezone.localtime(now).date()
    expired = 0
    due = Voucher.objects.filter(status=VoucherStatus.ISSUED, valid_until__lt=today)
    for call_id in due.values_list("call_id", flat=True).distinct():
        with transaction.atomic():
            call = relock(Call.objects.get(pk=call_id))
            late = list(Voucher.objects.select_for_update().filter(call=call, status=VoucherStatus.ISSUED,
                                                                   valid_until__lt=today))  # fmt: skip
            Voucher.objects.filter(pk__in=[v.pk for v in late]).update(status=VoucherStatus.EXPIRED)
            expired += len(late)
            _pass_on(call, now)
    return expired


def _pass_on(call: Call, now: dt.datetime) -> list[Voucher]:
    """The engine's budget re-run: spent vouchers keep what they spent, issued ones their value, expired ones
    give it back; the freed budget goes down the ranking as new vouchers (the next round)."""
    ranking = published_ranking(call)
    if ranking is None:
        return []
    snapshot = ranking.snapshot
    engine_call, applications, _offers = engine_inputs(snapshot)
    protocols = {row["application"]: row["protocol"] for row in snapshot.applications}
    held: dict[str, int] = {}
    answers: dict[str, Any] = {}
    for voucher in Voucher.objects.filter(call=call).order_by("issued_at", "pk"):
        protocol = protocols[voucher.application_id]
        if voucher.status == VoucherStatus.EXPIRED:
            answers.setdefault(protocol, "expired")
            continue
        kept = int(voucher.redeemed_cents) if voucher.status == VoucherStatus.REDEEMED else int(voucher.value_cents)
        held[protocol] = held.get(protocol, 0) + kept
        answers[protocol] = "accepted"
    result = rerun(engine_call, applications, [], held, answers)
    grants = {
        e.id: int(e.granted_cents or 0) - held.get(e.id, 0)
        for e in result.entries
        if e.outcome in FUNDED and answers.get(e.id) != "expired" and int(e.granted_cents or 0) > held.get(e.id, 0)
    }
    round_ = (Voucher.objects.filter(call=call).order_by("-round").values_list("round", flat=True).first() or 0) + 1
    return _issue(call=call, ranking=ranking, grants=grants, now=now, round_=round_)


def _tell(vouchers: list[Voucher]) -> None:
    from concilia.core.notifications import Message, notify_many

    messages = []
    for voucher in vouchers:
        application = voucher.application
        values = {"call": voucher.call.title, "protocol": application.protocol, "value": euro(voucher.value_cents),
                  "until": voucher.valid_until.strftime("%d/%m/%Y")}  # fmt: skip
        messages.append(
            Message(
                user=application.household.owner,
                subject=_("Your voucher for %(call)s") % values,
                body=_(
                    "A voucher worth %(value)s for your application %(protocol)s, valid until %(until)s: show its "
                    "code or QR at the service."
                )
                % values,  # fmt: skip
                link=reverse("benefits:voucher", args=[application.pk]),
            )
        )
    notify_many(messages)
