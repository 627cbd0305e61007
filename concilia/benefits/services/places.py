"""After a place call's ranking: places offered, accepted or refused, the waiting list moving, enrolments.

1. :func:`places_offer` (a coordinator, once the ranking is published) offers every family the engine
   placed the place it was given: a :class:`Place` holding one :class:`Seat` of the offer, to answer
   within the call's ``answer_days``.
2. The family accepts or refuses (:func:`place_answer`); a place not answered in time expires
   (:func:`places_expire`, the Celery beat task ``concilia.expire_places`` or ``concilia expire_places``).
3. Each refusal or expiry runs the engine again on the ranking's snapshot (``allocation.engine.rerun``):
   accepted and pending places are kept, refused and expired applications leave, and the freed seats go
   down the waiting lists in the ranking's order; the next families are offered them and told.
4. The provider confirms the enrolment of an accepted place (:func:`place_enrol`).

A seat is held by one live place at a time (a database constraint): no offer is ever overbooked, even
when two answers arrive together. Every change is a message in the family's area and an e-mail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.accounts.choices import Role
from concilia.allocation.engine import Result, rerun
from concilia.benefits.choices import HOLDING_PLACE, PlaceStatus
from concilia.benefits.models import Application, FamilyRanking, Place, Seat
from concilia.benefits.services.closing import engine_inputs, published_ranking
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.workflow import relock
from concilia.programming.choices import CallKind
from concilia.programming.models import Call, CallOffer
from concilia.programming.services.common import require_coordinator

#: How a place's state reads to the engine's re-run.
ANSWERS = {
    PlaceStatus.OFFERED: "pending",
    PlaceStatus.ACCEPTED: "accepted",
    PlaceStatus.ENROLLED: "accepted",
    PlaceStatus.REFUSED: "refused",
    PlaceStatus.EXPIRED: "expired",
}


def offer_name(offer: Any) -> str:
    """“Nido Girasole – Tempo pieno”: the service's name, then the offer's label (a label alone says little)."""
    return f"{offer.service.name} – {offer.label}" if offer.label else offer.service.name


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _answer_days(call: Call) -> int:
    terms = getattr(call, "family_terms", None)
    return terms.answer_days if terms is not None else 7


def _free_seat(call_offer: CallOffer) -> Seat | None:
    """The lowest-numbered seat of the offer no live place holds (the seats are made as needed)."""
    Seat.objects.bulk_create(
        [Seat(call_offer=call_offer, number=n) for n in range(1, call_offer.places + 1)], ignore_conflicts=True
    )
    held = Place.objects.filter(seat__call_offer=call_offer, status__in=HOLDING_PLACE).values("seat_id")
    return (
        Seat.objects.filter(call_offer=call_offer, number__lte=call_offer.places)
        .exclude(pk__in=held)
        .order_by("number")
        .first()
    )


def _offer(
    *, call: Call, ranking: FamilyRanking, placements: dict[str, str], now: dt.datetime, round_: int
) -> list[Place]:
    """Create the places ``placements`` (protocol → offer id) give, each on a free seat; tell the families."""
    ids = {row["protocol"]: row["application"] for row in ranking.snapshot.applications}
    call_offers = {str(row.offer_id): row for row in CallOffer.objects.filter(call=call)}
    applications = Application.objects.in_bulk([ids[p] for p in placements])
    answer_by = now + dt.timedelta(days=_answer_days(call))
    made = []
    for protocol, offer_id in sorted(placements.items()):
        call_offer = call_offers.get(offer_id)
        if call_offer is None:
            continue
        seat = _free_seat(call_offer)
        if seat is None:  # the engine keeps within the places: a seat is missing only if the call changed
            continue
        place = Place(
            application=applications[ids[protocol]], call=call, seat=seat, offer_id=call_offer.offer_id,
            ranking=ranking, round=round_, offered_at=now, answer_by=answer_by,
        )  # fmt: skip
        place.full_clean()
        place.save()
        made.append(place)
    _tell(made, offered=True)
    return made


def places_offer(*, call: Call, by: Any, now: dt.datetime | None = None) -> list[Place]:
    """Offer the places of the published ranking to the families the engine placed (once per call)."""
    now = now or clock.now()
    require_coordinator(call, by)
    if call.kind != CallKind.FAMILY_PLACES:
        raise ValidationError(_("Only a place call offers places."))
    with transaction.atomic():
        call = relock(call)
        ranking = published_ranking(call)
        if ranking is None:
            raise ValidationError(_("The places are offered once the ranking is published."))
        if Place.objects.filter(call=call).exists():
            raise ValidationError(_("The places of this call have been offered already."))
        placements = {e["protocol"]: e["offer"] for e in ranking.entries if e.get("outcome") == "placed"}
        return _offer(call=call, ranking=ranking, placements=placements, now=now, round_=1)


def _rerun(ranking: FamilyRanking, places: list[Place]) -> Result:
    """The engine again on the ranking's snapshot, with the places given so far and the families' answers."""
    snapshot = ranking.snapshot
    engine_call, applications, offers = engine_inputs(snapshot)
    protocols = {row["application"]: row["protocol"] for row in snapshot.applications}
    previous: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for place in places:  # oldest first: a later place of the same application wins
        protocol = protocols.get(place.application_id)
        if protocol is None:
            continue
        previous[protocol] = str(place.offer_id)
        answers[protocol] = ANSWERS[PlaceStatus(place.status)]
    return rerun(engine_call, applications, offers, previous, answers)


def _move_waiting_list(call: Call, now: dt.datetime) -> list[Place]:
    """After refusals or expiries (in the caller's transaction, the call locked): offer the freed seats."""
    ranking = published_ranking(call)
    if ranking is None:
        return []
    places = list(Place.objects.filter(call=call).order_by("offered_at", "pk"))
    result = _rerun(ranking, places)
    protocols = {row["application"]: row["protocol"] for row in ranking.snapshot.applications}
    seen = {protocols.get(p.application_id) for p in places}
    placements = {
        e.id: str(e.offer) for e in result.entries if e.outcome == "placed" and e.offer is not None and e.id not in seen
    }
    round_ = max((p.round for p in places), default=0) + 1
    return _offer(call=call, ranking=ranking, placements=placements, now=now, round_=round_)


def place_answer(*, place: Place, accept: bool, by: Any, now: dt.datetime | None = None) -> Place:
    """The family accepts or refuses the place offered; a refusal offers the seat to the next family."""
    now = now or clock.now()
    if by is None or place.application.household.owner_id != by.pk:
        raise PermissionDenied(_("Only the family answers for its place."))
    with transaction.atomic():
        call = relock(place.call)
        place = relock(place)
        if place.status != PlaceStatus.OFFERED:
            raise ValidationError(_("This place has been answered already: %(status)s.") % {
                "status": place.get_status_display()})  # fmt: skip
        if now >= place.answer_by:
            raise ValidationError(_("The time to answer ended on %(time)s.") % {"time": _when(place.answer_by)})
        place.status = PlaceStatus.ACCEPTED if accept else PlaceStatus.REFUSED
        place.answered_at = now
        place.full_clean()
        place.save()
        _tell([place], offered=False)
        if not accept:
            _move_waiting_list(call, now)
    return place


def places_expire(*, now: dt.datetime | None = None) -> int:
    """Places not answered in time expire and their seats go down the waiting list; the number expired."""
    now = now or clock.now()
    expired = 0
    for call_id in (
        Place.objects.filter(status=PlaceStatus.OFFERED, answer_by__lte=now)
        .values_list("call_id", flat=True)
        .distinct()
    ):
        with transaction.atomic():
            call = relock(Call.objects.get(pk=call_id))
            late = list(
                Place.objects.select_for_update().filter(call=call, status=PlaceStatus.OFFERED, answer_by__lte=now)
            )
            for place in late:
                place.status, place.answered_at = PlaceStatus.EXPIRED, now
                place.save(update_fields=["status", "answered_at", "updated_at"])
            _tell(late, offered=False)
            expired += len(late)
            if late:
                _move_waiting_list(call, now)
    return expired


def may_enrol(place: Place, by: Any) -> bool:
    """The provider of the place's service (its users), or the administrator."""
    scope = scope_of(by)
    return scope.is_admin or place.offer.service.provider_id in scope.organisation_ids(Role.SERVICE_PROVIDER)


def place_enrol(*, place: Place, by: Any, now: dt.datetime | None = None) -> Place:
    """The provider confirms that the child of an accepted place is enrolled."""
    now = now or clock.now()
    if not may_enrol(place, by):
        raise PermissionDenied(_("Only the provider of the service confirms the enrolment."))
    with transaction.atomic():
        place = relock(place)
        if place.status != PlaceStatus.ACCEPTED:
            raise ValidationError(_("Only a place the family accepted is enrolled."))
        place.status, place.enrolled_at, place.enrolled_by = PlaceStatus.ENROLLED, now, by
        place.save(update_fields=["status", "enrolled_at", "enrolled_by", "updated_at"])
        _tell([place], offered=False)
    return place


def _tell(places: list[Place], *, offered: bool) -> None:
    """A message (and an e-mail) to each family whose place was offered or changed state."""
    from concilia.core.notifications import Message, notify_many

    messages = []
    for place in places:
        application = place.application
        values = {
            "call": place.call.title,
            "protocol": application.protocol,
            "offer": offer_name(place.offer),
            "until": _when(place.answer_by),
            "status": place.get_status_display(),
        }
        if offered:
            subject = _("A place for your application %(protocol)s") % values
            body = (
                _(
                    "Your application %(protocol)s to “%(call)s” is offered a place at %(offer)s. Accept or refuse it "
                    "in your area by %(until)s: without an answer the place goes to the next family."
                )
                % values
            )
        else:
            subject = _("Your place: %(status)s") % values
            body = _("The place at %(offer)s for your application %(protocol)s to “%(call)s”: %(status)s.") % values
        messages.append(
            Message(
                user=application.household.owner,
                subject=subject,
                body=body,
                link=reverse("benefits:place", args=[application.pk]),
            )
        )
    notify_many(messages)
