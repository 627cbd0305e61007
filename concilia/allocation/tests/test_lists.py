"""A list field (the children of a family) and the rules that count over it."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from concilia.allocation import io as aio
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


def test_children_in_the_application_file(tmp_path: Path) -> None:
    call = parse_call(CALL)
    path = tmp_path / "apps.csv"
    nine = "|".join(["2020-01-01;no;no"] * 9)
    path.write_text(
        "id,submitted_at,children\n"
        'A,2026-03-02T09:00:00+01:00,"2016-01-01;sì;no|2019-05-02;no;no"\n'
        'B,2026-03-02T09:00:00+01:00,"[{""birth_date"": ""2018-01-01"", ""shared_custody"": true}]"\n'
        f"C,2026-03-02T09:00:00+01:00,{nine}\n"
        "D,2026-03-02T09:00:00+01:00,2016-01-01;sì\n"
        "E,2026-03-02T09:00:00+01:00,2016-13-01;no;no\n",
        encoding="utf-8",
    )
    with pytest.raises(aio.InputError) as caught:
        aio.read_applications(path, call)
    assert caught.value.errors == [
        "apps.csv: row 4, column 'children': 9 items, more than the 8 the call allows",
        "apps.csv: row 5, column 'children': item 1 has 2 value(s), expected 3 (birth_date;shared_custody;disability)",
        "apps.csv: row 6, column 'children': item 1, birth_date: '2016-13-01' is not a date (YYYY-MM-DD)",
    ]
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    apps = aio.read_applications(path, call)
    assert apps[0].fields["children"] == [
        {"birth_date": dt.date(2016, 1, 1), "shared_custody": True, "disability": False},
        {"birth_date": dt.date(2019, 5, 2), "shared_custody": False, "disability": False},
    ]
    assert apps[1].fields["children"] == [{"birth_date": dt.date(2018, 1, 1), "shared_custody": True}]
    assert dict(rank(call, apps).by_id()["A"].breakdown) == {"under_11": 44, "shared": 11, "fourth": 0}
