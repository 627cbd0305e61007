"""Amounts asked per child: ``request: {per_item: …}`` counts the items of a list (once, or per unit of one of
their fields), caps each item and then the whole request, and explains the computation in words."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from concilia.allocation import explain
from concilia.allocation.engine import rank
from concilia.allocation.rules import CallValidationError, parse_call
from concilia.allocation.types import Application

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)

CALL = textwrap.dedent("""
    call: {id: centri-estivi, title: "Voucher centri estivi"}
    fields:
      children: {list: {birth_date: date, applying: boolean, weeks: integer}, max_items: 8, label: figli}
    outcome:
      mode: first_come
      budget_cents: 300000
      request:
        {request}
    """)


def call(request: str) -> object:
    return parse_call(CALL.replace("{request}", request))


def child(weeks: int | None, applying: bool = True) -> dict[str, object]:
    return {"birth_date": dt.date(2018, 5, 1), "applying": applying, "weeks": weeks}


def app(aid: str, *children: dict[str, object], minutes: int = 0) -> Application:
    return Application(aid, AT + dt.timedelta(minutes=minutes), {"children": list(children)})


def test_per_week_per_child_with_caps_per_child_and_per_household() -> None:
    # Given 90 € a week, at most 6 weeks and 500 € per child, at most 1.000 € per application
    c = call(
        '{per_item: {list: children, where: {is_true: {field: applying}}, units: weeks, max_units: 6, amount: "90 €",'
        ' max: "500 €"}, max: "1.000 €"}'
    )
    apps = [
        app("A", child(8), child(4), child(3, applying=False)),  # 6 × 90 = 540 → 500; 4 × 90 = 360; not applying
        app("B", child(6), child(6), child(6), minutes=1),  # 3 × 500 = 1.500 → 1.000
    ]
    # When the engine ranks them
    result = rank(c, apps)  # type: ignore[arg-type]
    # Then each child is counted up to its caps, and the application up to the household's
    granted = {e.id: e.granted_cents for e in result.entries}
    assert granted == {"A": 86_000, "B": 100_000}
    header, *records = explain.explanation_records(c, result, apps)  # type: ignore[arg-type]
    by_id = {r["id"]: r for r in records}
    assert by_id["A"]["request"]["items"] == [
        {"units": 8, "counted": 6, "amount": 50_000, "before_cap": 54_000},
        {"units": 4, "counted": 4, "amount": 36_000},
    ]
    text = explain.record_text(by_id["A"], header)
    assert (
        "Importo richiesto: figli (6 × 90,00 € (8 indicati, conteggiati al massimo 6) = 540,00 €, ridotto al massimo "
        "previsto di 500,00 €) + 4 × 90,00 € = 860,00 €."
    ) in text["it"]
    assert (
        "Amount asked: figli (6 × €90.00 (8 given, counted up to 6) = €540.00, reduced to the maximum of €500.00)"
        in (" ".join(text["en"]))
    )
    text_b = explain.record_text(by_id["B"], header)["it"]
    assert any(line.endswith("= 1.500,00 €, ridotto al massimo previsto di 1.000,00 €.") for line in text_b)


def test_per_child_counts_each_item_once() -> None:
    c = call('{per_item: {list: children, where: {is_true: {field: applying}}, amount: "250 €"}}')
    apps = [app("A", child(None), child(None), child(None, applying=False))]
    result = rank(c, apps)  # type: ignore[arg-type]
    assert result.entries[0].granted_cents == 50_000
    header, record = explain.explanation_records(c, result, apps)  # type: ignore[arg-type]
    assert "Importo richiesto: figli 2 × 250,00 € = 500,00 €." in explain.record_text(record, header)["it"]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ('{per_item: {list: kids, amount: "90 €"}}', "unknown list field 'kids'"),
        ('{per_item: {list: children, units: applying, amount: "90 €"}}', "field 'applying' is boolean"),
        ('{per_item: {list: children, units: hours, amount: "90 €"}}', "unknown item field 'hours'"),
        ('{per_item: {list: children, max_units: 6, amount: "90 €"}}', "'max_units' needs 'units'"),
        ('{per_item: {list: children, amount: "1.234"}}', "ambiguous"),
        ('{per_item: {list: children, amount: "90 €", every: 2}}', "every"),
    ],
)
def test_bad_per_item_requests_are_refused_with_the_reason(request_: str, message: str) -> None:
    with pytest.raises(CallValidationError) as info:
        call(request_)
    assert message in str(info.value)
