"""Closing day of a family call, its rankings, their publication by two people, objections and the final version.

1. :func:`closing_day` (the scheduled job, or a coordinator's button) closes the call at its deadline,
   freezes a :class:`RankingSnapshot` of every submitted application (its last version) and of the call
   as the engine reads it, and computes version 1 of the provisional ranking with every family's
   explanation, reporting progress on a :class:`ClosingRun`.
2. A coordinator asks for publication (:func:`ranking_request`); a *second* member of staff approves
   (:func:`ranking_approve`): the ranking is public (pseudonymised) and the objections window opens.
3. Families object (:func:`objection_file`); coordinators decide with a reason and, when accepting,
   the corrected fields (:func:`objection_decide`).
4. After the window, :func:`final_ranking` takes a new snapshot with the accepted corrections and
   computes the final version, published by two people in the same way.

:func:`recompute` ranks a stored snapshot again: the same snapshot always gives the same ranking.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import JSONField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.allocation.engine import Result, rank
from concilia.allocation.explain import explanation_records, ranking_data
from concilia.allocation.rules import Call as EngineCall
from concilia.allocation.rules import parse_call
from concilia.allocation.types import Application as EngineApplication
from concilia.allocation.types import Offer as EngineOffer
from concilia.benefits import engine_fields
from concilia.benefits.choices import ApplicationStatus, ObjectionStatus, RunStatus
from concilia.benefits.models import (
    Application,
    ApplicationVersion,
    ClosingRun,
    Explanation,
    FamilyRanking,
    Objection,
    RankingSnapshot,
)
from concilia.core import clock
from concilia.core.services import object_save
from concilia.core.workflow import relock
from concilia.programming.choices import FAMILY_CALL_KINDS, CallStatus, RankingStatus
from concilia.programming.models import Call
from concilia.programming.rules import engine_document, engine_offers
from concilia.programming.services.calls import CALL_WORKFLOW, record_transition
from concilia.programming.services.common import require_coordinator

CHUNK = 2000  # explanations stored per insert (and per step of the progress bar)


def _digest(document: str, offers: list[Any], applications: list[Any]) -> str:
    text = json.dumps([document, offers, applications], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# -- snapshot and computation ------------------------------------------------------------------


def _snapshot_rows(call: Call) -> list[dict[str, Any]]:
    """Every submitted application as the engine will read it: its last version, its first submission time."""
    applications = {
        a.pk: a
        for a in Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).only(
            "pk", "protocol_number", "call_id"
        )
    }
    first: dict[int, dt.datetime] = {}
    last: dict[int, dict[str, Any]] = {}
    for application_id, submitted_at, data in (
        ApplicationVersion.objects.filter(application_id__in=applications)
        .order_by("application_id", "number")
        .values_list("application_id", "submitted_at", "data")
    ):
        first.setdefault(application_id, submitted_at)
        last[application_id] = data
    code = call.code.upper()
    return [
        {
            "application": pk,
            "protocol": f"{code}/{applications[pk].protocol_number:04d}",
            "submitted_at": first[pk].isoformat(),
            "data": last[pk],
        }
        for pk in sorted(applications, key=lambda pk: applications[pk].protocol_number or 0)
        if pk in last
    ]


def take_snapshot(
    call: Call, *, now: dt.datetime, rows: list[dict[str, Any]] | None = None, note: str = ""
) -> RankingSnapshot:
    """Freeze the call (as the engine reads it) and its applications (``rows``: as submitted, by default)."""
    document = yaml.safe_dump(engine_document(call), allow_unicode=True, sort_keys=True)
    offers = [dataclasses.asdict(o) for o in engine_offers(call)]
    rows = _snapshot_rows(call) if rows is None else rows
    return RankingSnapshot.objects.create(
        call=call, taken_at=now, document=document, offers=offers, applications=rows,
        digest=_digest(document, offers, rows), note=note,
    )  # fmt: skip


def engine_inputs(snapshot: RankingSnapshot) -> tuple[EngineCall, list[EngineApplication], list[EngineOffer]]:
    """What the engine reads from a stored snapshot: the call, the applications and the offers."""
    call = parse_call(snapshot.document, filename="snapshot")
    applications = [
        engine_fields.engine_application(
            protocol=row["protocol"], submitted_at=dt.datetime.fromisoformat(row["submitted_at"]), data=row["data"]
        )
        for row in snapshot.applications
    ]
    offers = [EngineOffer(**{**o, "fields": o.get("fields") or {}}) for o in snapshot.offers]
    return call, applications, offers


def published_ranking(call: Call) -> FamilyRanking | None:
    """The last published ranking of the call (final if there is one): places and vouchers come from it."""
    return call.family_rankings.filter(published_at__isnull=False).order_by("-version").first()


def recompute(snapshot: RankingSnapshot) -> tuple[Result, list[dict[str, Any]]]:
    """The engine's ranking of a stored snapshot, and its explanation records (the header first)."""
    call, applications, offers = engine_inputs(snapshot)
    result = rank(call, applications, offers)
    return result, list(explanation_records(call, result, applications, offers))


def _public_entries(result: Result) -> list[dict[str, Any]]:
    """The published list: protocol numbers, positions, points, outcomes — nothing that names a family."""
    return [
        {"protocol": e.id, "rank": e.rank, "points": e.points, "outcome": e.outcome, "offer": e.offer,
         "granted_cents": e.granted_cents}
        for e in result.entries
    ]  # fmt: skip


def _json(value: Any) -> Value:
    """A JSON value to insert as it is: an expression, so that ``bulk_create`` writes ``VALUES`` rows.

    Otherwise Django inserts a batch on PostgreSQL as ``UNNEST`` of one ``jsonb[]`` array, whose text form
    psycopg escapes quote by quote in Python: 5 of the 14 seconds of closing day with 20,000 explanations.
    """
    return Value(value, output_field=JSONField())


def _create_ranking(
    *, snapshot: RankingSnapshot, status: str, by: Any, reason: str, now: dt.datetime
) -> tuple[FamilyRanking, list[dict[str, Any]]]:
    """The ranking of ``snapshot`` (its public list, header and result) and the explanation records to store."""
    call = snapshot.call
    result, records = recompute(snapshot)
    previous = call.family_rankings.order_by("-version").first()
    ranking = FamilyRanking.objects.create(
        call=call,
        version=(previous.version + 1) if previous else 1,
        status=status,
        snapshot=snapshot,
        computed_at=now,
        computed_by=by if by is not None else None,
        reason=reason,
        header=records[0],
        entries=_public_entries(result),
        result=ranking_data(result),
    )
    return ranking, records[1:]


def _store_explanations(ranking: FamilyRanking, records: list[dict[str, Any]], run: ClosingRun | None) -> None:
    """Store every family's explanation, :data:`CHUNK` at a time, each chunk committed with the run's progress
    (outside a transaction, the progress bar moves while closing day works); those stored already are kept."""
    ids = {row["protocol"]: row["application"] for row in ranking.snapshot.applications}
    stored = set(ranking.explanations.values_list("application_id", flat=True))
    missing = [r for r in records if ids[r["id"]] not in stored]
    if run is not None:
        ClosingRun.objects.filter(pk=run.pk).update(total=len(records), done=len(records) - len(missing))
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        with transaction.atomic():
            Explanation.objects.bulk_create(
                [Explanation(ranking=ranking, application_id=ids[r["id"]], record=_json(r)) for r in chunk]
            )
            if run is not None:
                ClosingRun.objects.filter(pk=run.pk).update(done=len(records) - len(missing) + start + len(chunk))


def _compute(
    *, snapshot: RankingSnapshot, status: str, by: Any, reason: str, now: dt.datetime, run: ClosingRun | None
) -> FamilyRanking:
    ranking, records = _create_ranking(snapshot=snapshot, status=status, by=by, reason=reason, now=now)
    _store_explanations(ranking, records, run)
    return ranking


def closing_finished(call: Call) -> bool:
    """Whether closing day has stored every explanation of the call's provisional ranking."""
    return ClosingRun.objects.filter(call=call, status=RunStatus.DONE).exists()


def closing_day(
    *, call: Call, by: Any = None, now: dt.datetime | None = None, on_run: Callable[[ClosingRun], None] | None = None
) -> FamilyRanking:
    """Close the call at its deadline, freeze the applications, compute the provisional ranking (unpublished).

    The call is closed, the snapshot taken and the ranking stored in one transaction; the explanations follow
    in chunks, each committed with the progress of the :class:`ClosingRun`. Run again after a failure, it
    resumes: the same snapshot gives the same records, and those stored already are kept.
    """
    now = now or clock.now()
    if by is not None:
        require_coordinator(call, by)
    if call.kind not in FAMILY_CALL_KINDS:
        raise ValidationError(_("Closing day ranks the calls for families."))
    if now < call.closes_at:
        raise ValidationError(
            _("The call closes on %(time)s: closing day comes after.")
            % {"time": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")}
        )
    run = ClosingRun.objects.create(call=call, started_at=now)
    if on_run is not None:
        on_run(run)
    try:
        with transaction.atomic():
            call = relock(call)
            if call.status == CallStatus.OPEN:
                record_transition(call=call, to=CallStatus.CLOSED, by=by, note=_("Closing day"), now=now)
            if call.status == CallStatus.CLOSED:
                record_transition(call=call, to=CallStatus.EVALUATION, by=by, note=_("Closing day"), now=now)
            ranking = call.family_rankings.order_by("version").first()
            if call.status != CallStatus.EVALUATION or (ranking is not None and closing_finished(call)):
                raise ValidationError(_("This call has been ranked already."))
            if ranking is None:
                snapshot = take_snapshot(call, now=now)
                ranking, records = _create_ranking(
                    snapshot=snapshot, status=RankingStatus.PROVISIONAL, by=by, reason="", now=now
                )
            else:  # an earlier run stopped while storing the explanations: resume it
                records = recompute(ranking.snapshot)[1][1:]
        _store_explanations(ranking, records, run)
    except Exception as exc:
        ClosingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=clock.now(), message=" ".join(getattr(exc, "messages", [str(exc)]))
        )
        raise
    ClosingRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=clock.now())
    return ranking


def close_due_calls(*, now: dt.datetime | None = None) -> int:
    """The scheduled job: closing day for every open family call whose deadline has passed."""
    now = now or clock.now()
    done = 0
    for call in Call.objects.filter(kind__in=FAMILY_CALL_KINDS, status=CallStatus.OPEN, closes_at__lte=now):
        closing_day(call=call, now=now)
        done += 1
    return done


# -- publication -------------------------------------------------------------------------------


def ranking_request(*, ranking: FamilyRanking, by: Any, now: dt.datetime | None = None) -> FamilyRanking:
    """A coordinator asks for the ranking to be published (a second person approves)."""
    require_coordinator(ranking.call, by)
    with transaction.atomic():
        ranking = relock(ranking)
        if ranking.published_at is not None:
            raise ValidationError(_("This ranking is already published."))
        if ranking.status == RankingStatus.PROVISIONAL and not closing_finished(ranking.call):
            raise ValidationError(_("Closing day is still storing the families' explanations: wait for it to finish."))
        ranking.requested_by, ranking.requested_at = by, now or clock.now()
        ranking.save(update_fields=["requested_by", "requested_at"])
    return ranking


def ranking_approve(*, ranking: FamilyRanking, by: Any, now: dt.datetime | None = None) -> FamilyRanking:
    """A second member of staff approves: the ranking is published and every family is told."""
    now = now or clock.now()
    require_coordinator(ranking.call, by)
    with transaction.atomic():
        call = relock(ranking.call)
        ranking = relock(ranking)
        if ranking.published_at is not None:
            raise ValidationError(_("This ranking is already published."))
        if ranking.requested_by_id is None:
            raise ValidationError(_("First a coordinator asks for the publication; then a second one approves it."))
        if by is not None and by.pk in (ranking.requested_by_id, ranking.computed_by_id):
            raise PermissionDenied(_("A second member of staff must approve: not who computed or asked for it."))
        target = (
            CallStatus.PROVISIONAL_RANKING if ranking.status == RankingStatus.PROVISIONAL else CallStatus.FINAL_RANKING
        )
        if call.status != target:
            CALL_WORKFLOW.check(call, target)
        ranking.approved_by, ranking.published_at = by, now
        if ranking.status == RankingStatus.PROVISIONAL:
            ranking.objections_until = now + dt.timedelta(days=call.objections_days)
        ranking.save(update_fields=["approved_by", "published_at", "objections_until"])
        if call.status != target:
            note = _("Ranking version %(version)s published.") % {"version": ranking.version}
            record_transition(call=call, to=target, by=by, note=note, now=now)
        _tell_families(ranking)
    return ranking


def _tell_families(ranking: FamilyRanking) -> None:
    """A message (and an e-mail) to every family in the ranking, in the order of the explanations."""
    from django.urls import reverse

    from concilia.core.notifications import Message, notify_many

    call = ranking.call
    subject = (
        _("Final ranking of “%(call)s”")
        if ranking.status == RankingStatus.FINAL
        else _("Provisional ranking of “%(call)s”")
    )
    body = _(
        "The ranking of “%(call)s” is published. In your area you find the position of your application "
        "%(protocol)s, its points and why."
    )
    messages = []
    applications = (
        Application.objects.filter(explanations__ranking=ranking)
        .select_related("household__owner")
        .order_by("explanations__pk")
    )
    for application in applications:
        application.call = call  # the ranking's applications are its call's: no join per family
        values = {"call": call.title, "protocol": application.protocol}
        messages.append(
            Message(
                user=application.household.owner,
                subject=subject % values,
                body=body % values,
                link=reverse("benefits:application_ranking", args=[application.pk]),
            )
        )
    notify_many(messages)


# -- objections and the final ranking ----------------------------------------------------------


def objection_file(*, application: Application, text: str, by: Any, now: dt.datetime | None = None) -> Objection:
    """The family objects to the provisional ranking, within its window."""
    now = now or clock.now()
    if by is not None and application.household.owner_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the family may object to its ranking."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what is wrong and why.")})
    ranking = (
        application.call.family_rankings.filter(status=RankingStatus.PROVISIONAL, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if ranking is None or not ranking.explanations.filter(application=application).exists():
        raise ValidationError(_("There is no published ranking of this application to object to."))
    if ranking.objections_until is None or now >= ranking.objections_until:
        raise ValidationError(_("The time for objections is over."))
    return object_save(instance=Objection(application=application, ranking=ranking, text=text, filed_at=now), by=by)


def objection_decide(
    *, objection: Objection, accepted: bool, reason: str, by: Any, corrections: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Objection:  # fmt: skip
    """A coordinator decides, with a reason; accepting may correct the application's fields for the final ranking."""
    from concilia.programming.family_fields import BY_NAME

    require_coordinator(objection.ranking.call, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A decision on an objection needs its reason.")})
    unknown = set(corrections or {}) - set(BY_NAME)
    if unknown:
        raise ValidationError({"corrections": _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}})
    with transaction.atomic():
        objection = relock(objection)
        if objection.status != ObjectionStatus.PENDING:
            raise ValidationError(_("This objection has been decided already."))
        objection.status = ObjectionStatus.ACCEPTED if accepted else ObjectionStatus.REJECTED
        objection.corrections = dict(corrections or {}) if accepted else {}
        objection.decision_reason, objection.decided_by, objection.decided_at = reason, by, now or clock.now()
        object_save(instance=objection, by=by, reason=reason)
        _tell_objection(objection)
        return objection


def _tell_objection(objection: Objection) -> None:
    """The family hears the decision on its objection, with the reason, in its area and by e-mail."""
    from django.urls import reverse

    from concilia.core.notifications import notify

    application = objection.application
    values = {"protocol": application.protocol, "reason": objection.decision_reason}
    accepted = objection.status == ObjectionStatus.ACCEPTED
    notify(
        user=application.household.owner,
        subject=(_("Objection accepted: %(protocol)s") if accepted else _("Objection rejected: %(protocol)s")) % values,
        body=(
            _("Your objection to the ranking has been accepted: %(reason)s. The final ranking takes it into account.")
            if accepted
            else _("Your objection to the ranking has been rejected: %(reason)s.")
        )
        % values,
        link=reverse("benefits:application_ranking", args=[application.pk]),
    )


def final_ranking(*, call: Call, by: Any, reason: str = "", now: dt.datetime | None = None) -> FamilyRanking:
    """After the objections window: a new snapshot with the accepted corrections, and the final ranking (unpublished)."""
    now = now or clock.now()
    require_coordinator(call, by)
    with transaction.atomic():
        call = relock(call)
        provisional = (
            call.family_rankings.filter(status=RankingStatus.PROVISIONAL, published_at__isnull=False)
            .order_by("-version")
            .first()
        )
        if provisional is None or call.status != CallStatus.PROVISIONAL_RANKING:
            raise ValidationError(_("Publish the provisional ranking first."))
        if provisional.objections_until and now < provisional.objections_until:
            raise ValidationError(
                _("Objections are open until %(time)s: the final ranking comes after.")
                % {"time": timezone.localtime(provisional.objections_until).strftime("%d/%m/%Y %H:%M")}
            )
        if provisional.objections.filter(status=ObjectionStatus.PENDING).exists():
            raise ValidationError(_("Decide every objection before the final ranking."))
        corrections: dict[int, dict[str, Any]] = {}
        for objection in provisional.objections.filter(status=ObjectionStatus.ACCEPTED).order_by("decided_at", "pk"):
            corrections.setdefault(objection.application_id, {}).update(objection.corrections)
        rows = []
        for row in provisional.snapshot.applications:
            fixed = corrections.get(row["application"])
            if fixed:
                row = {**row, "data": {**row["data"], "fields": {**row["data"]["fields"], **fixed}}}
            rows.append(row)
        note = _("%(n)s applications corrected by accepted objections.") % {"n": len(corrections)}
        snapshot = RankingSnapshot.objects.create(
            call=call, taken_at=now, document=provisional.snapshot.document, offers=provisional.snapshot.offers,
            applications=rows, digest=_digest(provisional.snapshot.document, provisional.snapshot.offers, rows),
            note=note,
        )  # fmt: skip
        return _compute(snapshot=snapshot, status=RankingStatus.FINAL, by=by, reason=reason or note, now=now, run=None)
