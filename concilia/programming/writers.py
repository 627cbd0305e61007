"""How the generic pages, the API's CRUD and imports write the programming cycle: through its services.

Proposals, their parts, scores, conflict declarations and a family call's terms and offers have workflow rules (an open call of the
alliance's network, a draft, the evaluator's own score under evaluation without a conflict…). Their
registers declare these writers, so a generic form or ``POST /api/programming/scores/`` meets exactly
the rule of the workflow pages and endpoints (``core/writers.py``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from concilia.core.writers import M2M, Writer, stored
from concilia.programming import services
from concilia.programming.models import ConflictOfInterest, Proposal, Score


def _same(before: Any, after: Any, fields: tuple[str, ...], message: str) -> None:
    if any(getattr(before, f) != getattr(after, f) for f in fields):
        raise ValidationError(message)


class ProposalWriter(Writer):
    """A proposal is drafted by ``proposal_create`` (open call, same network, the lead as first partner),
    changed by ``proposal_update`` while a draft, and deleted only as a draft."""

    def create(self, *, instance: Any, by: Any, m2m: M2M = None) -> Proposal:
        return services.proposal_create(
            call=instance.call,
            alliance=instance.alliance,
            title=instance.title,
            summary=instance.summary,
            requested_cents=instance.requested_cents,
            by=by,
        )

    def update(self, *, instance: Any, by: Any, m2m: M2M = None) -> Proposal:
        before: Any = stored(instance)
        _same(
            before,
            instance,
            ("call_id", "alliance_id"),
            _("A proposal stays with its call and alliance: draft a new one for another."),
        )
        changes = {name: getattr(instance, name) for name in services.PROPOSAL_EDITABLE}
        return services.proposal_update(proposal=before, by=by, **changes)

    def delete(self, *, instance: Any, by: Any) -> None:
        services.proposal_delete(proposal=instance, by=by)


class ProposalPartWriter(Writer):
    """A proposal's actions, partners and budget lines change only while the proposal is a draft."""

    def create(self, *, instance: Any, by: Any, m2m: M2M = None) -> Any:
        return services.proposal_item_save(item=instance, by=by)

    def update(self, *, instance: Any, by: Any, m2m: M2M = None) -> Any:
        return services.proposal_item_save(item=instance, by=by)

    def delete(self, *, instance: Any, by: Any) -> None:
        services.proposal_item_remove(item=instance, by=by)


class FamilyCallPartWriter(Writer):
    """A family call's terms and offers change only while the call is a draft, by its coordinators, and never so
    that its rules stop compiling (``family_part_save``, ``family_part_remove``)."""

    def create(self, *, instance: Any, by: Any, m2m: M2M = None) -> Any:
        return services.family_part_save(item=instance, by=by, m2m=m2m)

    def update(self, *, instance: Any, by: Any, m2m: M2M = None) -> Any:
        return services.family_part_save(item=instance, by=by, m2m=m2m)

    def delete(self, *, instance: Any, by: Any) -> None:
        services.family_part_remove(item=instance, by=by)


class ScoreWriter(Writer):
    """Scores are given by ``score_set`` (the evaluator's own, under evaluation, admissible, no conflict);
    a score is corrected, never deleted."""

    deletes = False

    def create(self, *, instance: Any, by: Any, m2m: M2M = None) -> Score:
        return self._set(instance, by)

    def _set(self, instance: Any, by: Any) -> Score:
        return services.score_set(
            proposal=instance.proposal,
            evaluator=instance.evaluator,
            criterion=instance.criterion,
            points=instance.points,
            comment=instance.comment,
            by=by,
        )

    def update(self, *, instance: Any, by: Any, m2m: M2M = None) -> Score:
        _same(
            stored(instance),
            instance,
            ("proposal_id", "evaluator_id", "criterion_id"),
            _("A score stays on its proposal, evaluator and criterion: give a new score instead."),
        )
        return self._set(instance, by)


class ConflictWriter(Writer):
    """A declaration is made by ``conflict_declare`` and never changed or deleted by its author:
    a coordinator withdraws it with a reason (``conflict_withdraw``, its own page and endpoint)."""

    updates = False
    deletes = False

    def create(self, *, instance: Any, by: Any, m2m: M2M = None) -> ConflictOfInterest:
        return services.conflict_declare(
            evaluator=instance.evaluator, organisation=instance.organisation, note=instance.note, by=by
        )
