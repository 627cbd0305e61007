"""A list field (the children of a family) and the rules that count over it."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from concilia.allocation.engine import parse_call, rank
from concilia.allocation.rules import CallValidationError
from concilia.allocation.types import Application

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
# From a regional voucher table (docs/call-rules.md): 22 points per child under 11, 11 per child in shared
# custody, at least one child under 14 to apply.
CALL = textwrap.dedent("""\
    call: {id: c, title: c}
    fields:
      children:
        list: {birth_date: date, shared_custody: boolean, disability: boolean}
        max_items: 8
    eligibility:
      - id: has_child
        reason: "Serve almeno un figlio sotto i 14 anni"
        rule: {count: {list: children, where: {age: {field: birth_date, reference_date: 2026-09-01,
               under: 14 years}}, min: 1}}
    points:
      - id: under_11
        label: "Per ogni figlio sotto gli 11 anni"
        per_item: {list: children, where: {age: {field: birth_date, reference_date: 2026-09-01, under: 11 years}},
                   points: 22}
      - id: shared
        label: "Per ogni figlio in affido condiviso"
        per_item: {list: children, where: {is_true: shared_custody}, points: 11, max_items: 2}
      - id: fourth
        label: "Quarto figlio"
        condition: {count: {list: children, min: 4}}
        points: 5
    outcome: {mode: ranked_budget, budget_cents: 100000, max_grant_cents: 10000}
    """)


def child(year: int, shared: bool = False) -> dict[str, object]:
    return {"birth_date": dt.date(year, 1, 1), "shared_custody": shared, "disability": False}


def test_points_count_over_the_children() -> None:
    call = parse_call(CALL)
    apps = [
        Application(
            "five",
            AT,
            {"children": [child(2012), child(2016, True), child(2018, True), child(2020, True), child(2024)]},
        ),  # fmt: skip
        Application("teen", AT, {"children": [child(2011)]}),
        Application("none", AT, {"children": []}),
    ]
    by_id = rank(call, apps).by_id()
    # 2012: 14 years on 1 Sep 2026 → not under 14 nor 11; four children under 11; shared custody capped at 2.
    assert dict(by_id["five"].breakdown) == {"under_11": 88, "shared": 22, "fourth": 5}
    assert by_id["five"].points == 115
    assert [x.rule_id for x in by_id["teen"].exclusions] == ["has_child"]  # born 2011: 15 in September 2026
    assert [x.rule_id for x in by_id["none"].exclusions] == ["has_child"]


def test_a_list_needs_a_maximum_and_known_item_fields() -> None:
    with pytest.raises(CallValidationError, match="missing 'max_items'"):
        parse_call(CALL.replace("    max_items: 8\n", ""))
    with pytest.raises(CallValidationError, match="unknown field 'custody'"):
        parse_call(CALL.replace("is_true: shared_custody", "is_true: custody"))
    with pytest.raises(CallValidationError, match="unknown list field 'kids'"):
        parse_call(CALL.replace("{list: children, min: 4}", "{list: kids, min: 4}"))
