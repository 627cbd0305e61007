"""A call's rules in plain words: the sentences follow the rules the engine compiles, in Italian."""

from __future__ import annotations

from django.utils import translation

from concilia.programming import plain_rules
from concilia.programming.models import Call

RULES = """
eligibility:
  - {id: partners, reason: Servono almeno tre partner, rule: {at_least: {field: partner_count, value: 3}}}
points:
  - id: cof
    label: Cofinanziamento
    bands: {field: cofinancing_percent, ranges: [{min: 30, max: 49, points: 5}, {min: 50, points: 10}]}
  - {id: big, label: Progetto ampio, condition: {at_least: {field: total_cost_cents, value: 2000000}}, points: 3}
tie_breakers: [earlier_submission]
fit: partial
"""


def call(rules: str = "", **kw: object) -> Call:
    values: dict[str, object] = {
        "code": "asl-mi-2015",
        "title": "Bando",
        "budget_cents": 10_000_000,
        "max_grant_cents": 5_000_000,
        "min_cofinancing_percent": 30,
        "rules": rules,
    }
    values.update(kw)
    return Call(**values)


def test_rules_in_italian() -> None:
    with translation.override("it"):
        text = plain_rules.describe(call(RULES))
    assert text.eligibility == ["Il numero dei partner è almeno 3 (altrimenti: “Servono almeno tre partner”)."]
    assert text.points[0].startswith("Cofinanziamento, secondo la quota di cofinanziamento")
    assert "da 30 a 49: 5 punti; da 50: 10 punti" in text.points[0]
    assert text.points[1] == "Progetto ampio: 3 punti se il costo totale del progetto è almeno € 20.000,00."
    assert text.tie_breakers == ["Viene prima la proposta presentata per prima."]
    assert "€ 100.000,00" in text.outcome[0] and "€ 50.000,00" in text.outcome[1]
    assert text.outcome[2].startswith("La prima proposta che non rientra più")


def test_default_rules_say_the_minimum_cofinancing() -> None:
    with translation.override("it"):
        text = plain_rules.describe(call(min_cofinancing_percent=25))
    assert text.eligibility == [
        "La quota di cofinanziamento sul costo totale (%) è almeno 25 "
        "(altrimenti: “Cofinanziamento inferiore al 25% del costo totale”)."
    ]
    assert text.outcome[2] == "Quando una proposta non rientra più in ciò che resta, il finanziamento si ferma lì."
    with translation.override("en"):
        assert plain_rules.describe(call(min_cofinancing_percent=0)).eligibility == []
