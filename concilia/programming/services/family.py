"""A family call's terms and offers: set by the call's coordinators while it is a draft, checked before it opens.

:class:`~concilia.programming.models.FamilyCallTerms` (a voucher's amount, caps and coverage; first come, first
served) and :class:`~concilia.programming.models.CallOffer` (the catalogue's offers a place call assigns, with
their places) are written only here — the register's pages, the API's CRUD and any import go through
:class:`concilia.programming.writers.FamilyCallPartWriter` — so they change only while the call is a draft, by
the coordinators of its network, and never leave the call's rules unable to compile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from concilia.core.services import object_delete, object_save
from concilia.core.workflow import lock
from concilia.programming.choices import CallKind, CallStatus
from concilia.programming.models import Call, CallOffer, FamilyCallTerms
from concilia.programming.rules import engine_call, terms_of
from concilia.programming.services.common import require_coordinator

FamilyPart = FamilyCallTerms | CallOffer


def _lock_drafts(call_ids: Iterable[int], by: Any) -> list[Call]:
    """Lock the calls (in primary-key order) and require each to be a draft the user coordinates."""
    calls = lock(Call, *sorted(set(call_ids)))
    for call in calls:
        require_coordinator(call, by)
        if call.status != CallStatus.DRAFT:
            raise ValidationError(
                _("“%(call)s” is no longer a draft: its terms and offers cannot change.") % {"call": call}
            )
    return calls


def _rules_still_compile(call: Call) -> None:
    """The call's rules must still compile with its new terms (a first-come-first-served call has no points)."""
    call.refresh_from_db()
    try:
        engine_call(call)
    except ValidationError as exc:
        raise ValidationError(
            [_("The call's rules do not fit these terms: %(error)s") % {"error": m} for m in exc.messages]
        ) from exc


def family_part_save(*, item: FamilyPart, by: Any, m2m: Mapping[str, Iterable[Any]] | None = None) -> FamilyPart:
    """Add or change a family call's terms or one of its offers (moved to another call: both must be drafts)."""
    with transaction.atomic():
        call_ids = [item.call_id]
        if item.pk is not None:
            call_ids.append(type(item).objects.values_list("call_id", flat=True).get(pk=item.pk))
        _lock_drafts(call_ids, by)
        saved = object_save(instance=item, by=by, m2m=m2m)
        _rules_still_compile(saved.call)
    return saved


def family_part_remove(*, item: FamilyPart, by: Any) -> None:
    """Remove a draft call's terms or one of its offers."""
    with transaction.atomic():
        _lock_drafts([item.call_id], by)
        object_delete(instance=item, by=by)
        _rules_still_compile(Call.objects.get(pk=item.call_id))


def family_call_check(call: Call) -> None:
    """What a family call needs before it opens: a voucher call its terms, a place call at least one offer, and
    terms and offers still valid for the call as it is now (its kind may have changed since)."""
    if not call.is_family:
        return
    terms = terms_of(call)
    if call.kind == CallKind.FAMILY_VOUCHERS and terms is None:
        raise ValidationError(_("A voucher call needs its terms (the amount of its vouchers) before it opens."))
    offers = list(CallOffer.objects.filter(call=call).select_related("offer", "call"))
    if call.kind == CallKind.FAMILY_PLACES and not offers:
        raise ValidationError(_("A place call needs at least one offer of the catalogue before it opens."))
    for part in [terms, *offers]:
        if part is not None:
            part.full_clean()
