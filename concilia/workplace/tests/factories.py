"""Builders of workplace records for the tests."""

from __future__ import annotations

import itertools
from typing import Any

from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.workplace import models
from concilia.workplace.choices import SurveyStatus

_n = itertools.count(1)


def n() -> int:
    return next(_n)


def measure(**kw: Any) -> models.Measure:
    i = n()
    defaults = {"code": f"misura-{i}", "name": f"Misura {i}", "category": "time"}
    return models.Measure.objects.create(**{**defaults, **kw})


def survey(owner: Any, *, status: str = SurveyStatus.OPEN, **kw: Any) -> models.Survey:
    s = models.Survey.objects.create(title=kw.pop("title", f"Questionario {n()}"), owner=owner, status=status, **kw)
    models.Question.objects.create(
        survey=s, position=1, code="figli", text="Quanti figli?", kind="number", number_min=0, number_max=10
    )
    models.Question.objects.create(
        survey=s, position=2, code="nido", text="Le serve il nido?", kind="single",
        options="si = Sì\nno = No", condition_question=s.questions.get(code="figli"),
        condition_operator="gte", condition_value="1",
    )  # fmt: skip
    models.Question.objects.create(
        survey=s, position=3, code="misure", text="Quali misure?", kind="multiple",
        options="flessibile = Orario flessibile\nagile = Lavoro agile\nbanca = Banca ore",
    )  # fmt: skip
    models.Question.objects.create(
        survey=s, position=4, code="difficolta", text="Difficoltà", kind="scale", scale_min=1, scale_max=5
    )
    models.Question.objects.create(survey=s, position=5, code="note", text="Note", kind="text", required=False)
    return s


def invitation(s: models.Survey, org: Any = None) -> models.Invitation:
    return models.Invitation.objects.create(survey=s, organisation=org or f.CompanyFactory())


ANSWER = {"figli": "2", "nido": "si", "misure": ["flessibile", "agile"], "difficolta": "4", "note": "Grazie"}


def codes(inv: models.Invitation, count: int = 1) -> list[str]:
    """Personal codes of ``inv``, issued as the demo does (no user)."""
    from concilia.workplace import services

    return services.respondent_tokens_issue(invitation=inv, count=count, by=None)


def answer_times(inv: models.Invitation, times: int, data: dict[str, Any] | None = None) -> None:
    """``times`` different people answer, each through a personal link of its own."""
    from concilia.workplace import services

    for code in codes(inv, times) if times else []:
        services.response_submit(token=inv.token, code=code, data=data or ANSWER, today=clock.today())
