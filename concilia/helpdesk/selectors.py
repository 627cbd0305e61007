"""Reads of the help desks: free appointment slots, public desk lists, statistics, due follow-ups."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from concilia.core import clock
from concilia.core.permissions import restrict
from concilia.helpdesk.choices import OCCUPYING, AppointmentStatus, CaseStatus, Channel, Need, Outcome, ReferralTarget
from concilia.helpdesk.models import Appointment, Case, Desk, DeskHours, Referral
from concilia.services.hours import format_weekly_hours

ROME = zoneinfo.ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class Slot:
    """A bookable time at a desk and how many places are still free."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int

    @property
    def key(self) -> str:
        """The slot as sent back by the booking form: its start in ISO format with the offset."""
        return self.starts_at.astimezone(ROME).isoformat()


def public_desks() -> QuerySet[Desk]:
    return Desk.objects.filter(is_published=True).select_related("municipality__province", "organisation")


def desk_list(*, user: Any) -> QuerySet[Desk]:
    """The desks ``user`` may see (published ones for everybody)."""
    return restrict(Desk.objects.select_related("municipality__province", "organisation"), user, "view")


def weekly_hours_text(desk: Desk, *, appointments: bool, day_names: Any = None) -> str:
    rows = [
        (h.weekday, h.opens, h.closes)
        for h in desk.hours.all()  # prefetched or not: a handful of rows
        if h.appointments == appointments
    ]
    return format_weekly_hours(rows, day_names) if day_names else format_weekly_hours(rows)


def candidate_starts(desk: Desk, *, start_day: dt.date, end_day: dt.date) -> list[dt.datetime]:
    """Every slot start from the appointment hours between two days (closures removed), in Europe/Rome."""
    windows: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for h in DeskHours.objects.filter(desk=desk, appointments=True):
        windows.setdefault(h.weekday, []).append((h.opens, h.closes))
    from concilia.helpdesk.closures import closed_days

    closed = closed_days(desk, start_day, end_day)
    step = dt.timedelta(minutes=desk.slot_minutes)
    out: list[dt.datetime] = []
    day = start_day
    while day <= end_day:
        if day.weekday() in windows and day not in closed:
            for opens, closes in sorted(windows[day.weekday()]):
                t = dt.datetime.combine(day, opens, tzinfo=ROME)
                end = dt.datetime.combine(day, closes, tzinfo=ROME)
                while t + step <= end:
                    out.append(t)
                    t += step
        day += dt.timedelta(days=1)
    return sorted(set(out))


def taken_places(desk: Desk, starts: list[dt.datetime]) -> Counter[dt.datetime]:
    """How many places of each slot are taken (cancelled appointments free theirs)."""
    if not starts:
        return Counter()
    rows = (
        Appointment.objects.filter(
            desk=desk, status__in=OCCUPYING, starts_at__gte=min(starts), starts_at__lte=max(starts)
        )
        .values("starts_at")
        .annotate(n=Count("pk"))
    )
    return Counter({r["starts_at"]: r["n"] for r in rows})


def free_slots(desk: Desk, *, now: dt.datetime | None = None, include_full: bool = False) -> list[Slot]:
    """The slots of the coming ``desk.weeks_ahead`` weeks that start after ``now`` and have a free place."""
    now = now or clock.now()
    today = now.astimezone(ROME).date()
    last = today + dt.timedelta(weeks=desk.weeks_ahead)
    starts = [s for s in candidate_starts(desk, start_day=today, end_day=last) if s > now]
    taken = taken_places(desk, starts)
    length = dt.timedelta(minutes=desk.slot_minutes)
    slots = []
    for s in starts:
        free = max(0, desk.capacity_per_slot - taken.get(s, 0))
        if free or include_full:
            slots.append(Slot(starts_at=s, ends_at=s + length, free=free))
    return slots


def slots_by_day(slots: list[Slot]) -> list[tuple[dt.date, list[Slot]]]:
    days: dict[dt.date, list[Slot]] = {}
    for s in slots:
        days.setdefault(s.starts_at.astimezone(ROME).date(), []).append(s)
    return sorted(days.items())


def upcoming_closures(desk: Desk, *, today: dt.date | None = None) -> list[tuple[dt.date, dt.date, str]]:
    """The closures in the desk's bookable weeks (national and local holidays, its own closures) as
    (first day, last day, reason): consecutive days with the same reason make one period."""
    from concilia.helpdesk.closures import closed_days

    today = today or clock.today()
    periods: list[tuple[dt.date, dt.date, str]] = []
    for day, reason in closed_days(desk, today, today + dt.timedelta(weeks=desk.weeks_ahead)).items():
        if periods and periods[-1][2] == reason and periods[-1][1] + dt.timedelta(days=1) == day:
            periods[-1] = (periods[-1][0], day, reason)
        else:
            periods.append((day, day, reason))
    return periods


def is_offered(desk: Desk, starts_at: dt.datetime) -> bool:
    """Whether ``starts_at`` is a slot start of the desk's appointment hours (closures excluded)."""
    local = starts_at.astimezone(ROME)
    return local in candidate_starts(desk, start_day=local.date(), end_day=local.date())


# --- statistics ----------------------------------------------------------------------------------


@dataclass
class Statistics:
    desk: Desk
    start: dt.date
    end: dt.date
    cases: int = 0
    by_channel: list[tuple[str, int]] = field(default_factory=list)
    by_need: list[tuple[str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, int]] = field(default_factory=list)
    referrals: list[tuple[str, int]] = field(default_factory=list)
    appointments: list[tuple[str, int]] = field(default_factory=list)
    anonymous: int = 0

    def sections(self) -> list[tuple[str, str, list[tuple[str, int]]]]:
        from django.utils.translation import gettext as _

        return [
            ("channel", _("Cases by channel"), self.by_channel),
            ("need", _("Cases by need"), self.by_need),
            ("outcome", _("Cases by outcome"), self.by_outcome),
            ("referral", _("Referrals by target"), self.referrals),
            ("appointment", _("Appointments by status"), self.appointments),
        ]

    def rows(self) -> list[tuple[str, str, int]]:
        """Every figure as (section, label, count), for the exports."""
        return [(title, label, n) for _key, title, figures in self.sections() for label, n in figures]


def _labelled(counts: Counter[str], choices: list[tuple[str, Any]]) -> list[tuple[str, int]]:
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def _count(qs: QuerySet, name: str) -> Counter[str]:
    return Counter(dict(qs.order_by().values(name).annotate(n=Count("pk")).values_list(name, "n")))


def desk_statistics(*, desk: Desk, start: dt.date, end: dt.date) -> Statistics:
    """Figures of one desk between two days (included): no personal data, only counts."""
    cases = Case.objects.filter(desk=desk, opened_on__gte=start, opened_on__lte=end)
    stats = Statistics(desk=desk, start=start, end=end)
    stats.cases = cases.count()
    stats.anonymous = cases.filter(anonymous=True).count()
    channel = _count(cases, "channel")
    stats.by_channel = _labelled(channel, Channel.choices)
    need: Counter[str] = Counter()
    for needs in cases.values_list("needs", flat=True):
        need.update(set(needs or []))
    stats.by_need = _labelled(need, Need.choices)
    outcome = _count(cases.exclude(outcome=""), "outcome")
    stats.by_outcome = _labelled(outcome, Outcome.choices)
    kinds: Counter[str] = Counter(
        r.target_kind for r in Referral.objects.filter(case__in=cases).only("service", "to_desk", "call", "other")
    )
    stats.referrals = _labelled(kinds, ReferralTarget.choices)
    rome_start = dt.datetime.combine(start, dt.time.min, tzinfo=ROME)
    rome_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=ROME)
    appts = Appointment.objects.filter(desk=desk, starts_at__gte=rome_start, starts_at__lt=rome_end)
    status = _count(appts, "status")
    stats.appointments = _labelled(status, AppointmentStatus.choices)
    return stats


# --- reminders -----------------------------------------------------------------------------------


def follow_ups_due(*, today: dt.date) -> QuerySet[Case]:
    return Case.objects.filter(
        status=CaseStatus.OPEN, follow_up_on__isnull=False, follow_up_on__lte=today, follow_up_reminded_at__isnull=True
    ).select_related("desk", "handled_by")


def appointments_tomorrow(*, today: dt.date) -> QuerySet[Appointment]:
    day = today + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=ROME)
    return Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
    ).select_related("desk__municipality")
