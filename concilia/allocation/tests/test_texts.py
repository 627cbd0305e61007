"""Explanations in words, in Italian and English: no field codes, no "condition met", money in euros."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from concilia.allocation.engine import load_call, parse_call
from concilia.allocation.tests.test_lists import CALL as LIST_CALL
from concilia.allocation.tests.test_lists import child
from concilia.allocation.texts import criterion_sentence

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def sentences(call: object, fields: dict[str, object], lang: str = "it") -> list[str]:
    return [criterion_sentence(c.label, c.score(fields), c.explain(fields), lang) for c in call.criteria]  # type: ignore[attr-defined]


def test_the_nursery_table_in_words() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    fields = {"isee_cents": 551317, "municipality": "019001", "parent_works_in_town": True, "children_under_11": 7}
    assert sentences(call, fields) == [
        "Disabilità certificata del bambino: no (non dichiarato) — 0 punti",
        "Residenza o lavoro a Cremona: Un genitore lavora a Cremona — 10.000 punti",
        "Ogni figlio sotto gli 11 anni: 5 × 22 punti (7 indicati, conteggiati al massimo 5) — 110 punti",
        "Ogni anno precedente in lista d'attesa: 0 × 18 punti — 0 punti",
        "Fasce ISEE: 5.513,17 € nella fascia da 0,00 € a 10.000,00 € — 300 punti",
    ]
    assert sentences(call, {"isee_cents": 551317}, "en")[-1] == (
        "Fasce ISEE: €5,513.17 in the band from €0.00 to €10,000.00 — 300 points"
    )
    assert sentences(call, {})[-1] == "Fasce ISEE: dato non indicato — 0 punti"
    for line in sentences(call, fields) + sentences(call, {}, "en"):
        assert "condition" not in line and "isee_cents" not in line and "ranges[" not in line


def test_a_zero_says_why() -> None:
    call = parse_call(LIST_CALL)
    fields = {"children": [child(2018), child(2020, True)]}
    assert sentences(call, fields)[-1] == "Quarto figlio: no (2 indicati, ne servono almeno 4) — 0 punti"
    assert sentences(call, fields, "en")[-1] == "Quarto figlio: no (2 given, needed at least 4) — 0 points"
    assert sentences(call, {"children": [child(2018)] * 4})[-1] == "Quarto figlio: sì — 5 punti"
    assert dt.date(2018, 1, 1) == fields["children"][0]["birth_date"]  # type: ignore[index]
