"""Load the demo programming cycle from ``programming/data/demo.yaml``: plans, calls, projects, example calls.

Runs after the network register (``network/data/demo.yaml``) and the demo accounts, whose
organisations, networks, alliances and users it finds by name. It works as the network loader does
(and reuses its ``upsert``): idempotent, every record found by its natural key and saved only when a
value differs; the YAML's checksum is kept in :class:`~concilia.territory.models.DataLoad` under
``"programming.demo"`` and an unchanged file is skipped unless ``force``.

The worked example (a current plan of the ATS Val Padana network, whose coordinator is the demo
user ``coordinatore.cremona``) has three calls, one per step a visitor tries: one **open**, one
**under evaluation** with three admissible proposals, one **draft**. Their windows are computed
from the day of loading, and one part of the loader runs on every load, skipped or not: an open or
draft example call with fewer than ``min_days_left`` days left is moved forward, so the open call
is open whenever the demo is used. Statuses are written directly (with their
:class:`~concilia.programming.models.CallEvent` rows), not through the services. What demo users do
afterwards (close a call, rank it, submit or withdraw proposals) is never undone: a call that has
left the phase the loader gave it, and every proposal that exists, are left as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from concilia.accounts.models import User
from concilia.core import clock
from concilia.core.services import object_save
from concilia.core.workflow import next_protocol_number
from concilia.network.demo import DemoLoadError, LoadResult, _date, _Loader, _messages, _text, render_source
from concilia.network.models import Alliance, Network, Partnership
from concilia.programming.choices import CALL_TRANSITIONS, Admissibility, CallStatus, PartnerRole, ProposalStatus
from concilia.programming.models import (
    BudgetLine,
    Call,
    CallEvent,
    ConflictOfInterest,
    Document,
    EvaluationCriterion,
    Evaluator,
    FundingSource,
    Plan,
    Project,
    ProjectAction,
    ProjectPartner,
    Proposal,
    ProposalAction,
    ProposalBudgetLine,
    ProposalPartner,
    ProtocolCounter,
)
from concilia.territory.models import DataLoad

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"
DATALOAD_KEY = "programming.demo"
# Bump when the loader's behaviour changes, so an unchanged YAML is loaded again.
LOADER_VERSION = "1"
ROME = zoneinfo.ZoneInfo("Europe/Rome")
NETWORK_HINT = "the network demo must be loaded first (concilia load_demo loads it before this one)"
# The demo users the example uses, when concilia/accounts/demo.py has created them.
COORDINATOR_USERNAME = "coordinatore.cremona"
# The phases an example call is loaded in, and the transitions that lead there from the draft.
OPEN, EVALUATION, DRAFT = "open", "evaluation", "draft"
PHASE_EVENTS: dict[str, tuple[str, ...]] = {
    DRAFT: (),
    OPEN: (CallStatus.OPEN,),
    EVALUATION: (CallStatus.OPEN, CallStatus.CLOSED, CallStatus.EVALUATION),
}
PHASE_STATUS = {phase: events[-1] if events else CallStatus.DRAFT for phase, events in PHASE_EVENTS.items()}
EVENT_NOTES: dict[str, str] = {
    CallStatus.OPEN: "Esempio: apertura del bando, con la data calcolata al caricamento della demo.",
    CallStatus.CLOSED: "Esempio: chiusura del bando alla scadenza, con la data calcolata al caricamento della demo.",
    CallStatus.EVALUATION: "Esempio: avvio della valutazione, con la data calcolata al caricamento della demo.",
}


@dataclass
class ProgrammingLoadResult(LoadResult):
    """The network loader's result, plus when the example call closes (it may have been extended)."""

    example_closes_at: dt.datetime | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if self.example_closes_at is not None:
            closes = timezone.localtime(self.example_closes_at, ROME)
            verb = "extended, open until" if self.counts.get("call.extended") else "open until"
            text += f"; example call {verb} {closes:%d/%m/%Y %H:%M}"
        return text


def checksum(path: Path = DATA_FILE) -> str:
    """SHA-256 of the YAML file and of the loader version."""
    digest = hashlib.sha256(f"loader-version:{LOADER_VERSION}\n".encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def load(
    *, force: bool = False, by: Any = None, path: Path = DATA_FILE, now: dt.datetime | None = None
) -> ProgrammingLoadResult:
    """Load (or update) the demo programming cycle; always keep the example calls usable.

    ``now`` stands for the time of loading (tests use it to load "a year later").
    """
    digest = checksum(path)
    result = ProgrammingLoadResult(key=DATALOAD_KEY, checksum=digest)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        loader = _ProgrammingLoader(data=data, by=by, counts=result.counts, now=now or clock.now())
        if not force and DataLoad.objects.filter(key=DATALOAD_KEY, checksum=digest).exists():
            result.skipped = True
            call = loader.keep_example_open()
        else:
            call = loader.run_all()
            DataLoad.objects.update_or_create(
                key=DATALOAD_KEY, defaults={"checksum": digest, "summary": result.summary()}
            )
    if call is not None and call.status == CallStatus.OPEN:
        result.example_closes_at = call.closes_at
    return result


def _at(value: Any, label: str) -> dt.datetime:
    """``"YYYY-MM-DD HH:MM"`` in Europe/Rome as an aware datetime."""
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise DemoLoadError(f"{label}: “{value}” is not a date and time (YYYY-MM-DD HH:MM).") from exc
    return parsed.replace(tzinfo=ROME) if parsed.tzinfo is None else parsed


@dataclass
class _ProgrammingLoader(_Loader):
    """The network loader's look-ups and ``upsert``, with the records of the programming cycle."""

    now: dt.datetime = field(default_factory=clock.now)
    plans: dict[str, Plan] = field(default_factory=dict)
    calls: dict[str, Call] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)

    def run_all(self) -> Call | None:
        if not Network.objects.exists():
            raise DemoLoadError(f"There is no network: {NETWORK_HINT}.")
        for entry in self.data.get("plans") or []:
            self._plan(entry)
        for entry in self.data.get("calls") or []:
            self._call(entry)
        for entry in self.data.get("projects") or []:
            self._project(entry)
        return self._example()

    # -- look-ups ---------------------------------------------------------------------------------

    def plan(self, title: Any, label: str) -> Plan:
        key = str(title)
        if key not in self.plans:
            found = Plan.objects.filter(title=key).first()
            if found is None:
                raise DemoLoadError(f"{label}: plan “{key}” is not defined in the demo data.")
            self.plans[key] = found
        return self.plans[key]

    def alliance(self, name: Any, label: str) -> Alliance:
        found = Alliance.objects.filter(name=str(name)).first()
        if found is None:
            raise DemoLoadError(f"{label}: alliance “{name}” is not defined in the demo data ({NETWORK_HINT}).")
        return found

    @staticmethod
    def user(username: str) -> User | None:
        return User.objects.filter(username=username).first()

    def _save(self, instance: Any, label: str) -> None:
        try:
            object_save(instance=instance, by=self.by, reason="Demo data")
        except ValidationError as exc:
            raise DemoLoadError(f"{label}: {_messages(exc)}") from exc

    # -- plans ------------------------------------------------------------------------------------

    def _plan(self, entry: Mapping[str, Any], *, years: tuple[int, int] | None = None) -> Plan:
        title = str(entry["title"])
        label = f"plans “{title}”"
        network = self.network(entry["network"], label)
        agency = self.organisation(entry["agency"], label) if entry.get("agency") else None
        start, end = years or (int(entry["start_year"]), int(entry["end_year"]))
        plan = self.upsert(
            Plan,
            label=label,
            lookup={"network": network, "title": title},
            values={
                "agency_id": agency.pk if agency else None,
                "start_year": start,
                "end_year": end,
                "approval_act": _text(entry.get("approval_act")),
                "approval_date": _date(entry.get("approval_date"), label),
                "objectives": _text(entry.get("objectives")),
                "description": _text(entry.get("description")),
                "source": render_source(entry),
            },
        )
        self.plans[title] = plan
        for item in entry.get("funding_sources") or []:
            item_label = f"{label} › funding_sources “{item['act']}”"
            funder = self.organisation(item["funder"], item_label) if item.get("funder") else None
            self.upsert(
                FundingSource,
                label=item_label,
                lookup={"plan": plan, "kind": item["kind"], "act": _text(item["act"])},
                values={
                    "funder_id": funder.pk if funder else None,
                    "amount_cents": int(item["amount_cents"]),
                    "notes": render_source(item),
                },
            )
        for item in entry.get("budget_lines") or []:
            self.upsert(
                BudgetLine,
                label=f"{label} › budget_lines “{item['code']}”",
                lookup={"plan": plan, "code": str(item["code"])},
                values={"name": _text(item["name"]), "amount_cents": int(item["amount_cents"])},
            )
        for item in entry.get("documents") or []:
            self.upsert(
                Document,
                label=f"{label} › documents “{item['title']}”",
                lookup={"plan": plan, "title": str(item["title"])},
                values={"url": _text(item.get("url"))},
            )
        return plan

    def _budget_line(self, plan: Plan | None, code: Any, label: str) -> BudgetLine | None:
        if code in (None, ""):
            return None
        line = BudgetLine.objects.filter(plan=plan, code=str(code)).first()
        if line is None:
            raise DemoLoadError(f"{label}: budget line “{code}” is not defined for the plan.")
        return line

    # -- calls ------------------------------------------------------------------------------------

    def _call_values(self, entry: Mapping[str, Any], label: str, plan: Plan | None, network: Network) -> dict[str, Any]:
        publisher = self.organisation(entry["publisher"], label)
        line = self._budget_line(plan, entry.get("budget_line"), label)
        return {
            "publisher_id": publisher.pk,
            "network_id": network.pk,
            "plan_id": plan.pk if plan else None,
            "budget_line_id": line.pk if line else None,
            "kind": entry.get("kind", "alliance_projects"),
            "title": str(entry["title"]),
            "summary": _text(entry.get("summary")),
            "budget_cents": int(entry["budget_cents"]),
            "max_grant_cents": entry.get("max_grant_cents"),
            "min_cofinancing_percent": int(entry.get("min_cofinancing_percent") or 0),
            "objections_days": int(entry.get("objections_days", 10)),
            "source": render_source(entry),
            "is_example": bool(entry.get("is_example", False)),
        }

    def _call(self, entry: Mapping[str, Any]) -> Call:
        code = str(entry["code"])
        label = f"calls “{code}”"
        network = self.network(entry["network"], label)
        plan = self.plan(entry["plan"], label) if entry.get("plan") else None
        status = str(entry["status"])
        events = entry.get("events") or []
        final = str(events[-1]["to"]) if events else CallStatus.DRAFT
        if final != status:
            raise DemoLoadError(f"{label}: the last event leads to “{final}”, not to the status “{status}”.")
        values = self._call_values(entry, label, plan, network)
        values |= {
            "opens_at": _at(entry["opens_at"], label),
            "closes_at": _at(entry["closes_at"], label),
            "status": status,
            "rules": str(entry.get("rules") or ""),
        }
        call = self.upsert(Call, label=label, lookup={"code": code}, values=values)
        self.calls[code] = call
        previous: str = CallStatus.DRAFT
        for item in events:
            to = str(item["to"])
            item_label = f"{label} › events “{previous} → {to}”"
            if to not in CALL_TRANSITIONS[previous]:
                raise DemoLoadError(f"{item_label}: a call cannot go from “{previous}” to “{to}”.")
            self.upsert(
                CallEvent,
                label=item_label,
                lookup={"call": call, "from_status": previous, "to_status": to},
                values={"at": _at(item["at"], item_label), "note": _text(item.get("note"))},
            )
            previous = to
        return call

    # -- projects ---------------------------------------------------------------------------------

    def _project(self, entry: Mapping[str, Any]) -> Project:
        title = str(entry["title"])
        label = f"projects “{title}”"
        call = self.calls.get(str(entry["call"])) if entry.get("call") else None
        if entry.get("call") and call is None:
            call = Call.objects.filter(code=str(entry["call"])).first()
            if call is None:
                raise DemoLoadError(f"{label}: call “{entry['call']}” is not defined in the demo data.")
        plan = self.plan(entry["plan"], label) if entry.get("plan") else None
        alliance = self.alliance(entry["alliance"], label) if entry.get("alliance") else None
        lead = self.organisation(entry["lead"], label)
        predecessors = []
        for name in entry.get("predecessors") or []:
            predecessor = self.projects.get(str(name)) or Project.objects.filter(title=str(name)).first()
            if predecessor is None:
                raise DemoLoadError(f"{label}: predecessor “{name}” must be defined before it.")
            predecessors.append(predecessor)
        project = self.upsert(
            Project,
            label=label,
            lookup={"title": title},
            values={
                "call_id": call.pk if call else None,
                "plan_id": plan.pk if plan else None,
                "alliance_id": alliance.pk if alliance else None,
                "lead_id": lead.pk,
                "acronym": _text(entry.get("acronym")),
                "summary": _text(entry.get("summary")),
                "starts_on": _date(entry.get("starts_on"), label),
                "ends_on": _date(entry.get("ends_on"), label),
                "granted_cents": int(entry.get("granted_cents") or 0),
                "cofinancing_cents": int(entry.get("cofinancing_cents") or 0),
                "status": entry.get("status", "planned"),
                "website": _text(entry.get("website")),
                "source": render_source(entry),
            },
            m2m={"predecessors": predecessors},
        )
        self.projects[title] = project
        partners: list[tuple[Any, str]] = [(lead, PartnerRole.LEAD)]
        if entry.get("partners_from_alliance"):
            if alliance is None:
                raise DemoLoadError(f"{label}: partners_from_alliance needs an alliance.")
            open_partnerships = Partnership.objects.filter(alliance=alliance, left_on__isnull=True)
            partners += [
                (p.organisation, PartnerRole.PARTNER) for p in open_partnerships.select_related("organisation")
            ]
        for item in entry.get("partners") or []:
            partners.append((self.organisation(item["organisation"], label), item.get("role", PartnerRole.PARTNER)))
        for organisation, role in partners:
            self.upsert(
                ProjectPartner,
                label=f"{label} › partners “{organisation.name}”",
                lookup={"project": project, "organisation": organisation},
                values={"role": role},
            )
        for item in entry.get("actions") or []:
            item_label = f"{label} › actions “{item['title']}”"
            self.upsert(
                ProjectAction,
                label=item_label,
                lookup={"project": project, "title": str(item["title"])},
                values={
                    "kind": item["kind"],
                    "description": _text(item.get("description")),
                    "starts_on": _date(item.get("starts_on"), item_label),
                    "ends_on": _date(item.get("ends_on"), item_label),
                    "budget_cents": int(item.get("budget_cents") or 0),
                },
            )
        return project

    # -- the worked example -------------------------------------------------------------------------

    def _today(self) -> dt.date:
        return timezone.localtime(self.now, ROME).date()

    def _example_years(self, spec: Mapping[str, Any]) -> tuple[int, int]:
        """The example plan runs from the year of loading for ``years`` years (never shrinking)."""
        start = self._today().year
        end = start + int(spec.get("years") or 1) - 1
        existing = Plan.objects.filter(title=str(spec["title"])).first()
        if existing is not None:
            start, end = min(existing.start_year, start), max(existing.end_year, end)
        return start, end

    def _window(self, spec: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
        """The call's window: ``opens_day``/``closes_day`` days from the day of loading, 09:00 and 12:00 in Rome."""
        today = self._today()
        opens = dt.datetime.combine(today + dt.timedelta(days=int(spec["opens_day"])), dt.time(9), ROME)
        closes = dt.datetime.combine(today + dt.timedelta(days=int(spec["closes_day"])), dt.time(12), ROME)
        return opens, closes

    def _example(self) -> Call | None:
        """The example plan, calls, alliances and proposals; returns the example call that is open."""
        example = self.data.get("example")
        if not example:
            return None
        plan = self._plan(example["plan"], years=self._example_years(example["plan"]))
        calls = [self._example_call(spec, plan) for spec in example.get("calls") or []]
        for entry in example.get("alliances") or []:
            self._example_alliance(entry, plan.network)
        by_code = {call.code: call for call in calls}
        for entry in example.get("proposals") or []:
            call = by_code.get(str(entry["call"]))
            if call is None:
                raise DemoLoadError(
                    f"example proposals “{entry['title']}”: call “{entry['call']}” is not an example call."
                )
            self._example_proposal(call, entry)
        for spec, call in zip(example.get("calls") or [], calls, strict=True):
            self._keep_fresh(call, spec)
        return next((call for spec, call in zip(example["calls"], calls, strict=True) if spec["phase"] == OPEN), None)

    def _example_call(self, spec: Mapping[str, Any], plan: Plan) -> Call:
        code = str(spec["code"])
        label = f"example calls “{code}”"
        phase = str(spec["phase"])
        if phase not in PHASE_EVENTS:
            raise DemoLoadError(f"{label}: phase “{phase}” is not one of {', '.join(PHASE_EVENTS)}.")
        values = self._call_values({**spec, "is_example": True}, label, plan, plan.network)
        call = Call.objects.filter(code=code).first()
        created = call is None
        if created:
            # The window and the status are written once; later loads only move them forward (_keep_fresh).
            opens, closes = self._window(spec)
            values |= {"opens_at": opens, "closes_at": closes, "status": PHASE_STATUS[phase]}
        call = self.upsert(Call, label=label, lookup={"code": code}, values=values, existing=call)
        if created:
            coordinator = self.user(COORDINATOR_USERNAME)
            previous: str = CallStatus.DRAFT
            for to in PHASE_EVENTS[phase]:
                at: dt.datetime = {
                    CallStatus.OPEN: call.opens_at,
                    CallStatus.CLOSED: call.closes_at,
                    CallStatus.EVALUATION: call.closes_at + dt.timedelta(hours=21),
                }[CallStatus(to)]
                self.upsert(
                    CallEvent,
                    label=f"{label} › events",
                    lookup={"call": call, "from_status": previous, "to_status": to},
                    values={"at": at, "by": coordinator, "note": EVENT_NOTES[to]},
                )
                previous = to
        ProtocolCounter.objects.get_or_create(call=call)
        for order, item in enumerate(spec.get("criteria") or [], start=1):
            self.upsert(
                EvaluationCriterion,
                label=f"{label} › criteria “{item['code']}”",
                lookup={"call": call, "code": str(item["code"])},
                values={"label": _text(item["label"]), "max_points": int(item["max_points"]), "order": order},
            )
        # The rules read the grid's scores, so they are validated once the criteria exist.
        rules = str(spec.get("rules") or "")
        if call.rules != rules:
            call.rules = rules
            self._save(call, f"{label} › rules")
            self.counts["call.rules_set"] += 1
        for item in spec.get("evaluators") or []:
            self._evaluator(call, item, label)
        return call

    def _evaluator(self, call: Call, item: Mapping[str, Any], label: str) -> None:
        user = self.user(str(item["username"]))
        if user is None:
            self.counts["evaluator.skipped_no_user"] += 1
            return
        evaluator = self.upsert(
            Evaluator, label=f"{label} › evaluators", lookup={"call": call, "user": user}, values={}
        )
        for conflict in item.get("conflicts") or []:
            self.upsert(
                ConflictOfInterest,
                label=f"{label} › conflicts “{conflict['organisation']}”",
                lookup={"evaluator": evaluator, "organisation": self.organisation(conflict["organisation"], label)},
                values={"note": _text(conflict.get("note"))},
            )

    def _example_alliance(self, entry: Mapping[str, Any], network: Network) -> Alliance:
        name = str(entry["name"])
        label = f"example alliances “{name}”"
        alliance = self.upsert(
            Alliance,
            label=label,
            lookup={"name": name},
            values={
                "network_id": network.pk,
                "lead_id": self.organisation(entry["lead"], label).pk,
                "open_to_new_partners": True,
                "description": _text(entry.get("description")),
                "source": render_source(entry),
            },
            m2m={"districts": [self.district(code, label) for code in entry.get("districts") or []]},
        )
        for organisation_name in entry.get("partners") or []:
            organisation = self.organisation(organisation_name, label)
            self.upsert(
                Partnership,
                label=f"{label} › partners “{organisation_name}”",
                lookup={"alliance": alliance, "organisation": organisation},
                values={"role": "partner", "notes": render_source(entry)},
                existing=Partnership.objects.filter(
                    alliance=alliance, organisation=organisation, left_on__isnull=True
                ).first(),
            )
        return alliance

    def _example_proposal(self, call: Call, entry: Mapping[str, Any]) -> None:
        """Create the proposal once, while its call is still where the loader put it; never touch it afterwards."""
        label = f"example proposals “{entry['title']}”"
        alliance = self.alliance(entry["alliance"], label)
        if Proposal.objects.filter(call=call, alliance=alliance).exists():
            self.counts["proposal.unchanged"] += 1
            return
        submitted = entry.get("submitted_day") is not None
        if call.status not in (CallStatus.OPEN, CallStatus.EVALUATION) or (
            call.status == CallStatus.EVALUATION and not submitted
        ):
            self.counts["proposal.skipped"] += 1
            return
        proposal = Proposal(
            call=call,
            alliance=alliance,
            title=str(entry["title"]),
            summary=_text(entry.get("summary")),
            requested_cents=int(entry.get("requested_cents") or 0),
        )
        if submitted:
            at = call.opens_at + dt.timedelta(days=int(entry["submitted_day"]), hours=1)
            proposal.status = ProposalStatus.SUBMITTED
            proposal.protocol_number = next_protocol_number(ProtocolCounter, call_id=call.pk)
            proposal.submitted_at = min(at, self.now, call.closes_at - dt.timedelta(hours=1))
            if entry.get("admissible"):
                # What the automatic check on entering evaluation gives an eligible proposal (the
                # loader puts the call in evaluation without the services).
                proposal.admissibility = Admissibility.ADMISSIBLE
        self._save(proposal, label)
        self.counts["proposal.created"] += 1
        for item in entry.get("actions") or []:
            self._save(
                ProposalAction(
                    proposal=proposal,
                    kind=item["kind"],
                    title=str(item["title"]),
                    description=_text(item.get("description")),
                    budget_cents=int(item.get("budget_cents") or 0),
                ),
                label,
            )
        for item in entry.get("partners") or []:
            self._save(
                ProposalPartner(
                    proposal=proposal,
                    organisation=self.organisation(item["organisation"], label),
                    role=item.get("role", PartnerRole.PARTNER),
                    cofinancing_cents=int(item.get("cofinancing_cents") or 0),
                ),
                label,
            )
        for item in entry.get("budget_lines") or []:
            self._save(
                ProposalBudgetLine(
                    proposal=proposal,
                    category=item["category"],
                    description=_text(item.get("description")),
                    amount_cents=int(item["amount_cents"]),
                ),
                label,
            )

    def _keep_fresh(self, call: Call, spec: Mapping[str, Any]) -> None:
        """Move forward an open or draft example call with fewer than ``min_days_left`` days left.

        An open call only closes later (its opening and its proposals stay as they are); a draft,
        which nobody can have answered, gets its whole window again. Any other status, or a call
        that is no longer in the phase the loader gave it, is a visitor's doing and is left alone.
        """
        phase = str(spec["phase"])
        if phase not in (OPEN, DRAFT):
            return
        if call.status != PHASE_STATUS[phase]:
            self.counts["call.example_left_as_is"] += 1
            return
        if call.closes_at - self.now >= dt.timedelta(days=int(spec.get("min_days_left") or 0)):
            return
        opens, closes = self._window(spec)
        if phase == DRAFT:
            call.opens_at = opens
        call.closes_at = closes
        self._save(call, f"example calls “{call.code}” › window")
        self.counts["call.extended"] += 1

    def keep_example_open(self) -> Call | None:
        """The part of a load that runs even when the YAML is unchanged: the example calls stay usable."""
        example = self.data.get("example")
        if not example:
            return None
        open_call = None
        for spec in example.get("calls") or []:
            call = Call.objects.filter(code=str(spec["code"])).first()
            if call is None:
                continue
            plan = call.plan
            if plan is not None:
                start, end = self._example_years(example["plan"])
                if (plan.start_year, plan.end_year) != (start, end):
                    plan.start_year, plan.end_year = start, end
                    self._save(plan, f"example plan “{plan.title}” › years")
                    self.counts["plan.years_extended"] += 1
            self._keep_fresh(call, spec)
            if spec["phase"] == OPEN:
                open_call = call
        return open_call
