"""Every programming register gets the shared battery: pages, exports, API, permissions per role, query counts.

Coordinators keep plans, calls (while draft, with their criteria and a family call's terms and offers) and
projects of their network; leads keep their
alliances' draft proposals and their projects' reports and indicators; proposals, scores,
evaluators, conflicts and expense reports are never public; call events and rankings are read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core import clock
from concilia.core.testing import battery
from concilia.core.testing import factories as f
from concilia.programming import registers
from concilia.programming.choices import CallKind, CallStatus, ProposalStatus
from concilia.programming.tests import register_factories as pf
from concilia.services.tests import factories as sf

pytestmark = pytest.mark.urls(pf.URLCONF)

COORDINATOR = {"coordinator", "admin"}
LEAD = {"lead", "admin"}
LEADS_ADD = {"lead", "other_lead", "admin"}


def _call_data(w: Any) -> dict[str, Any]:
    opens = clock.now() + dt.timedelta(days=5)
    return {
        "network": w.network,
        "publisher": w.network.coordinator,
        "kind": "alliance_projects",
        "code": f"avviso-{pf.n()}",
        "title": "Avviso alleanze locali 2027",
        "opens_at": opens.replace(microsecond=0),
        "closes_at": (opens + dt.timedelta(days=30)).replace(microsecond=0),
        "budget_cents": 30_000_000,
        "max_grant_cents": 5_000_000,
        "min_cofinancing_percent": 30,
        "objections_days": 10,
    }


def _submitted(w: Any) -> Any:
    ev = pf.evaluator(w)
    return {
        "proposal": pf.proposal(w, call_=ev.call, status=ProposalStatus.SUBMITTED),
        "evaluator": ev,
        "criterion": pf.criterion(w, ev.call),
    }


# A record the alliance lead owns while its proposal or report is a draft: never public.
# The coordinators of the call's network see it too (programming/permissions.py, proposal_view).
LEAD_OWNED: dict[str, Any] = {
    "public": False,
    "can_view": LEAD | {"coordinator"},
    "can_change": LEAD,
    "can_delete": LEAD,
    "can_add": LEADS_ADD,
    "creator": "lead",
}

SPECS = [
    battery.RegisterSpec(
        register=registers.plans,
        new=lambda w: pf.plan(w),
        create_data=lambda w: {
            "network": w.network,
            "title": "Piano di conciliazione 2019-2020",
            "start_year": 2019,
            "end_year": 2020,
            "approval_act": "Decreto 12/2019",
        },  # fmt: skip
        edit=("objectives", "Servizi flessibili per le famiglie"),
        marker=lambda o: o.title,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.funding_sources,
        new=lambda w: pf.models.FundingSource.objects.create(
            plan=pf.plan(w), kind="regional", amount_cents=12_000_000, act=f"DGR {pf.n()}/2014"
        ),
        create_data=lambda w: {"plan": pf.plan(w), "kind": "agency", "amount_cents": 2_500_000, "act": "Delibera ATS"},
        edit=("notes", "Fondi dell'intesa nazionale"),
        marker=lambda o: o.act,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.budget_lines,
        new=lambda w: pf.models.BudgetLine.objects.create(
            plan=pf.plan(w), code=f"L{pf.n()}", name=f"Progetti delle alleanze {pf.n()}", amount_cents=9_000_000
        ),
        create_data=lambda w: {"plan": pf.plan(w), "code": "GOV", "name": "Governance", "amount_cents": 500_000},
        edit=("name", "Governance della rete"),
        marker=lambda o: o.name,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        # An open call: public, and its main fields no longer change (only the admin's form reaches them).
        register=registers.calls,
        new=lambda w: pf.call(w),
        create_data=_call_data,
        edit=("summary", "Per progetti di conciliazione delle alleanze locali"),
        marker=lambda o: o.title,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.call_events,
        new=lambda w: pf.models.CallEvent.objects.create(
            call=pf.call(w), from_status=CallStatus.DRAFT, to_status=CallStatus.OPEN, at=clock.now()
        ),
        marker=lambda o: o.call.title,
    ),
    battery.RegisterSpec(
        # Criteria of a draft call: only its coordinator sees and changes them.
        register=registers.criteria,
        new=lambda w: pf.criterion(w),
        create_data=lambda w: {
            "call": pf.call(w, status=CallStatus.DRAFT),
            "code": "qualita",
            "order": 1,
            "label": "Qualità della rete di partner",
            "max_points": 30,
        },  # fmt: skip
        edit=("max_points", 25),
        marker=lambda o: o.label,
        public=False,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        # A draft voucher call's terms: only its coordinators see and change them (public once the call opens).
        register=registers.family_terms,
        new=lambda w: pf.family_terms(w),
        create_data=lambda w: {
            "call": pf.family_call(w),
            "application_unit": "household",
            "basis": "per_child",
            "amount_cents": 25_000,
            "max_per_household_cents": 50_000,
            "service_kinds": ["centro_estivo", "post_scuola"],
            "providers": [sf.ServiceFactory(provider=w.provider_org).provider],
        },  # fmt: skip
        edit=("max_weeks", 8),
        marker=lambda o: o.call.title,
        public=False,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        # A draft place call's offer with the places it gives the call.
        register=registers.call_offers,
        new=lambda w: pf.call_offer(w),
        create_data=lambda w: {
            "call": pf.family_call(w, CallKind.FAMILY_PLACES),
            "offer": sf.OfferFactory(capacity=30),
            "places": 12,
        },  # fmt: skip
        edit=("places", 3),
        marker=lambda o: o.call.title,
        public=False,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.evaluators,
        new=lambda w: pf.evaluator(w),
        create_data=lambda w: {"call": pf.call(w, status=CallStatus.CLOSED), "user": f.UserFactory()},
        marker=lambda o: o.user.username,
        public=False,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.proposals,
        new=lambda w: pf.proposal(w),
        create_data=lambda w: {
            "call": pf.call(w),
            "alliance": w.alliance,
            "title": "Nidi aperti il sabato",
            "requested_cents": 4_000_000,
        },  # fmt: skip
        edit=("summary", "Servizi per famiglie con turni nel fine settimana"),
        marker=lambda o: o.title,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        register=registers.proposal_actions,
        new=lambda w: pf.models.ProposalAction.objects.create(
            proposal=pf.proposal(w), kind="family_services", title=f"Centro estivo {pf.n()}", budget_cents=900_000
        ),
        create_data=lambda w: {
            "proposal": pf.proposal(w),
            "kind": "help_desk",
            "title": "Sportello famiglia",
            "budget_cents": 1_000_000,
        },  # fmt: skip
        edit=("description", "Aperto due pomeriggi a settimana"),
        marker=lambda o: o.title,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        register=registers.proposal_partners,
        new=lambda w: pf.models.ProposalPartner.objects.create(
            proposal=pf.proposal(w), organisation=pf.organisation(), cofinancing_cents=100_000
        ),
        create_data=lambda w: {
            "proposal": pf.proposal(w),
            "organisation": w.provider_org,
            "role": "partner",
            "cofinancing_cents": 200_000,
        },  # fmt: skip
        edit=("cofinancing_cents", 300_000),
        marker=lambda o: o.organisation.name,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        register=registers.proposal_budget_lines,
        new=lambda w: pf.models.ProposalBudgetLine.objects.create(
            proposal=pf.proposal(w), category="staff", description=f"Educatrici {pf.n()}", amount_cents=700_000
        ),
        create_data=lambda w: {
            "proposal": pf.proposal(w),
            "category": "vouchers",
            "description": "Voucher",
            "amount_cents": 1_500_000,
        },  # fmt: skip
        edit=("amount_cents", 800_000),
        marker=lambda o: o.description,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        # The test world has no evaluator among its roles: evaluators are tested in test_permissions.
        register=registers.scores,
        new=lambda w: pf.score(w),
        create_data=lambda w: {**_submitted(w), "points": 20, "comment": "Buona rete"},
        edit=("comment", "Rete solida e ben distribuita"),
        marker=lambda o: o.comment,
        public=False,
        can_view=COORDINATOR,  # the call's coordinators read the scores
        can_delete=set(),  # a score is corrected, never deleted (ScoreWriter)
    ),
    battery.RegisterSpec(
        register=registers.conflicts,
        new=lambda w: pf.conflict(w),
        create_data=lambda w: {
            "evaluator": pf.evaluator(w),
            "organisation": f.OrganisationFactory(),
            "note": "Socio della cooperativa",
        },  # fmt: skip
        marker=lambda o: o.note,
        public=False,
        can_view=COORDINATOR,
        # A declaration is neither edited nor deleted, not even by the admin: a coordinator withdraws it
        # with a reason (ConflictWriter; test_security.py).
        can_change=set(),
        can_delete=set(),
    ),
    battery.RegisterSpec(
        register=registers.rankings,
        new=lambda w: pf.ranking(w),
        marker=lambda o: o.call.title,
    ),
    battery.RegisterSpec(
        register=registers.projects,
        new=lambda w: pf.project(w),
        create_data=lambda w: {
            "title": "Governare gli equilibri",
            "plan": pf.plan(w),
            "lead": w.lead_org,
            "alliance": w.alliance,
            "granted_cents": 6_000_000,
            "cofinancing_cents": 0,
            "status": "planned",
        },  # fmt: skip
        edit=("summary", "Segue Complessi Equilibri"),
        marker=lambda o: o.title,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.project_partners,
        new=lambda w: pf.models.ProjectPartner.objects.create(
            project=pf.project(w), organisation=pf.organisation(), cofinancing_cents=150_000
        ),
        create_data=lambda w: {
            "project": pf.project(w),
            "organisation": w.provider_org,
            "role": "partner",
            "cofinancing_cents": 0,
        },  # fmt: skip
        edit=("cofinancing_cents", 250_000),
        marker=lambda o: o.organisation.name,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.project_actions,
        new=lambda w: pf.models.ProjectAction.objects.create(
            project=pf.project(w), kind="flexible_work", title=f"Banca delle ore {pf.n()}"
        ),
        create_data=lambda w: {
            "project": pf.project(w),
            "kind": "training",
            "title": "Formazione HR",
            "budget_cents": 0,
        },  # fmt: skip
        edit=("description", "Quattro incontri con le imprese"),
        marker=lambda o: o.title,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add=COORDINATOR,
        creator="coordinator",
    ),
    battery.RegisterSpec(
        register=registers.expense_reports,
        new=lambda w: pf.report(w),
        create_data=lambda w: {
            "project": pf.project(w),
            "period_start": dt.date(2016, 3, 1),
            "period_end": dt.date(2016, 7, 31),
            "notes": "Rendiconto finale",
        },  # fmt: skip
        edit=("notes", "Rendiconto intermedio corretto"),
        marker=lambda o: o.notes,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        register=registers.expense_lines,
        new=lambda w: pf.models.ExpenseLine.objects.create(
            report=pf.report(w), category="staff", description=f"Educatrice {pf.n()}", amount_cents=120_000
        ),
        create_data=lambda w: {
            "report": pf.report(w),
            "category": "services",
            "description": "Trasporto",
            "amount_cents": 45_000,
        },  # fmt: skip
        edit=("description", "Trasporto scolastico"),
        marker=lambda o: o.description,
        **LEAD_OWNED,
    ),
    battery.RegisterSpec(
        register=registers.indicators,
        new=lambda w: pf.models.Indicator.objects.create(project=pf.project(w), name=f"Famiglie raggiunte {pf.n()}"),
        create_data=lambda w: {
            "project": pf.project(w),
            "name": "Imprese coinvolte",
            "unit": "imprese",
            "target": "20",
        },  # fmt: skip
        edit=("achieved", "80.00"),
        marker=lambda o: o.name,
        can_change={"lead", "coordinator", "admin"},
        can_delete={"lead", "coordinator", "admin"},
        can_add={"lead", "other_lead", "coordinator", "admin"},
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.documents,
        new=lambda w: pf.models.Document.objects.create(plan=pf.plan(w), title=f"Delibera di approvazione {pf.n()}"),
        create_data=lambda w: {"title": "Testo del piano", "plan": pf.plan(w), "url": "https://example.org/piano.pdf"},
        edit=("title", "Testo integrale del piano"),
        marker=lambda o: o.title,
        can_change=COORDINATOR,
        can_delete=COORDINATOR,
        can_add={"lead", "other_lead", "coordinator", "admin"},
        creator="coordinator",
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
