"""Small builders of programming records for the register and permission tests, and their URLs.

The registers' pages are normally mounted by the project's URLconf through ``concilia.programming.urls``;
while that module cannot be imported yet (its workflow views are written alongside), or the root
does not include it, ``URLCONF`` mounts the registers alone under ``programmazione/``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import sys
import types
from typing import Any

from django.urls import include, path

from concilia.core import clock
from concilia.core.registry import registers
from concilia.core.testing import factories as f
from concilia.programming import models
from concilia.programming.choices import CallKind, CallStatus, ProposalStatus, RankingStatus, VoucherBasis

_n = itertools.count(1)


def n() -> int:
    return next(_n)


def _registers_only() -> list[Any]:
    return [u for reg in registers("programming") for u in reg.urls()]


try:
    importlib.import_module("concilia.programming.urls")
except ImportError:
    _stub = types.ModuleType("concilia.programming.urls")
    _stub.app_name = "programming"  # type: ignore[attr-defined]
    _stub.urlpatterns = _registers_only()  # type: ignore[attr-defined]
    sys.modules["concilia.programming.urls"] = _stub

root = importlib.import_module("concilia.urls")
urlpatterns: list[Any] = list(root.urlpatterns)
if not any(getattr(p, "namespace", None) == "programming" for p in urlpatterns):
    urlpatterns.append(path("programmazione/", include((_registers_only(), "programming"))))

URLCONF = __name__


def organisation(**kw: Any) -> Any:
    """A new organisation (typed loosely: factories are not models to mypy)."""
    return f.OrganisationFactory(**kw)


def user(**kw: Any) -> Any:
    return f.UserFactory(**kw)


def plan(w: Any, network: Any = None) -> models.Plan:
    i = n()
    return models.Plan.objects.create(
        network=network or w.network, title=f"Piano territoriale {i}", start_year=2017, end_year=2018
    )


def call(w: Any, status: str = CallStatus.OPEN, network: Any = None, **kw: Any) -> models.Call:
    i = n()
    network = network or w.network
    opens = clock.now() - dt.timedelta(days=10)
    return models.Call.objects.create(
        publisher=network.coordinator,
        network=network,
        code=f"bando-{i}",
        title=f"Bando alleanze {i}",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=40),
        budget_cents=50_000_000,
        max_grant_cents=10_000_000,
        status=status,
        **kw,
    )


def family_call(w: Any, kind: str = CallKind.FAMILY_VOUCHERS, status: str = CallStatus.DRAFT, **kw: Any) -> models.Call:
    """A family call (draft by default): vouchers, or places (``CallKind.FAMILY_PLACES``)."""
    return call(w, status=status, kind=kind, **kw)


def family_terms(w: Any, call_: models.Call | None = None, **kw: Any) -> models.FamilyCallTerms:
    """Terms of a voucher call: 90 € a week of care of each child, up to 6 weeks."""
    values: dict[str, Any] = {"basis": VoucherBasis.PER_WEEK, "amount_cents": 9_000, "max_weeks": 6, **kw}
    return models.FamilyCallTerms.objects.create(call=call_ or family_call(w), **values)


def call_offer(w: Any, call_: models.Call | None = None, offer: Any = None, places: int = 4) -> models.CallOffer:
    """An offer of the catalogue (a new one by default) with ``places`` of it given to a place call."""
    from concilia.services.tests.factories import OfferFactory

    return models.CallOffer.objects.create(
        call=call_ or family_call(w, CallKind.FAMILY_PLACES), offer=offer or OfferFactory(), places=places
    )


def criterion(w: Any, call_: models.Call | None = None, max_points: int = 30) -> models.EvaluationCriterion:
    i = n()
    return models.EvaluationCriterion.objects.create(
        call=call_ or call(w, status=CallStatus.DRAFT),
        code=f"c{i}",
        label=f"Qualità del progetto {i}",
        max_points=max_points,
    )


def proposal(
    w: Any, call_: models.Call | None = None, alliance: Any = None, status: str = ProposalStatus.DRAFT
) -> models.Proposal:
    i = n()
    p = models.Proposal.objects.create(
        call=call_ or call(w),
        alliance=alliance or w.alliance,
        title=f"Proposta conciliazione {i}",
        requested_cents=5_000_000,
    )
    if status != ProposalStatus.DRAFT:
        # The workflow (services) submits; here the state is set directly to test who sees what.
        models.Proposal.objects.filter(pk=p.pk).update(
            status=status,
            protocol_number=i,
            submitted_at=clock.now() if status == ProposalStatus.SUBMITTED else None,
        )
        p.refresh_from_db()
    return p


def evaluator(w: Any, call_: models.Call | None = None, user_: Any = None) -> models.Evaluator:
    i = n()
    return models.Evaluator.objects.create(
        call=call_ or call(w, status=CallStatus.EVALUATION), user=user_ or user(username=f"valutatore{i}")
    )


def score(w: Any, evaluator_: models.Evaluator | None = None, proposal_: models.Proposal | None = None) -> models.Score:
    ev = evaluator_ or evaluator(w)
    prop = proposal_ or proposal(w, call_=ev.call, status=ProposalStatus.SUBMITTED)
    return models.Score.objects.create(
        proposal=prop, evaluator=ev, criterion=criterion(w, ev.call), points=10, comment=f"Commento {n()}"
    )


def conflict(w: Any, evaluator_: models.Evaluator | None = None) -> models.ConflictOfInterest:
    return models.ConflictOfInterest.objects.create(
        evaluator=evaluator_ or evaluator(w), organisation=organisation(), note=f"Consulente {n()}"
    )


def ranking(w: Any, call_: models.Call | None = None) -> models.Ranking:
    c = call_ or call(w, status=CallStatus.PROVISIONAL_RANKING)
    version = models.Ranking.objects.filter(call=c).count() + 1
    return models.Ranking.objects.create(
        call=c,
        version=version,
        status=RankingStatus.PROVISIONAL,
        published_at=clock.now(),
        entries=[{"rank": 1, "id": "P-1", "title": "Proposta conciliazione", "points": 80, "outcome": "funded",
                  "granted_cents": 5_000_000}],
    )  # fmt: skip


def project(w: Any, lead: Any = None, network: Any = None) -> models.Project:
    i = n()
    return models.Project.objects.create(
        plan=plan(w, network=network),
        alliance=w.alliance if network is None else None,
        lead=lead or w.lead_org,
        title=f"Progetto conciliazione {i}",
        starts_on=dt.date(2015, 9, 1),
        ends_on=dt.date(2016, 7, 31),
        granted_cents=8_000_000,
    )


def report(w: Any, project_: models.Project | None = None) -> models.ExpenseReport:
    return models.ExpenseReport.objects.create(
        project=project_ or project(w),
        period_start=dt.date(2015, 9, 1),
        period_end=dt.date(2016, 2, 29),
        notes=f"Rendiconto {n()}",
    )
