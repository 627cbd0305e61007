"""Money in euros and ages with their unit, in rules and in application files; amounts computed from fields."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from concilia.allocation import io as aio
from concilia.allocation.engine import parse_call, rank
from concilia.allocation.rules import CallValidationError
from concilia.allocation.types import Application
from concilia.allocation.units import format_money, parse_duration, parse_money

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("raw", "cents"),
    [("30.000,00 €", 3_000_000), ("1234,56", 123_456), ("12345.67", 1_234_567), (30000, 3_000_000),
     (1234.5, 123_450), ("€ 12.345.678", 1_234_567_800), ("0,5", 50), ("5.513,17", 551_317), ("EUR 7", 700)],
)  # fmt: skip
def test_money_in_euros_becomes_cents(raw: object, cents: int) -> None:
    assert parse_money(raw) == cents


@pytest.mark.parametrize(
    ("raw", "message"),
    [("1.234", "ambiguous"), ("12,345", "not an amount"), ("-5", "negative"), (1.234, "more than two decimals"),
     ("dieci", "not an amount"), (True, "not an amount")],
)  # fmt: skip
def test_bad_amounts_are_refused_with_the_reason(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_money(raw)


def test_money_is_shown_in_each_language() -> None:
    assert format_money(551317) == "5.513,17 €"
    assert format_money(551317, "en") == "€5,513.17"


def test_ages_need_their_unit() -> None:
    assert parse_duration("13 years").months == 156 and parse_duration("13 years").years_only
    assert parse_duration("2 anni 6 mesi").months == 30
    for bad in (167, "13", "2 years 14 months"):
        with pytest.raises(ValueError):
            parse_duration(bad)


CALL = textwrap.dedent("""\
    call: {id: c, title: c}
    fields: {birth: date, isee: money, weeks: integer, camp_cost: money}
    eligibility:
      - {id: age, reason: "Da 3 anni a 13 anni compiuti", rule: {age: {field: birth, reference_date: 2026-06-15,
         min: 3 years, max: 13 years}}}
      - {id: isee, reason: "ISEE oltre 30.000 €", rule: {at_most: {field: isee, value: "30.000,00 €"}}}
    points:
      - {id: isee_band, label: "Fasce ISEE", bands: {field: isee, ranges: [{max: "15.000 €", points: 30},
         {min: "15.000,01 €", points: 15}]}}
      - {id: young, label: "Sotto gli 11 anni", condition: {age: {field: birth, reference_date: 2026-06-15,
         under: 11 years}}, points: 5}
    outcome:
      mode: ranked_budget
      budget_cents: 100000
      request: {sum: [{per_unit: {field: weeks, amount: "100 €"}}, {field: camp_cost}], max: "400 €"}
    """)


def app(aid: str, birth: dt.date, isee: int, weeks: int = 1, camp: int = 0) -> Application:
    return Application(aid, AT, {"birth": birth, "isee": isee, "weeks": weeks, "camp_cost": camp})


def test_ages_in_years_and_amounts_in_euros_in_the_rules() -> None:
    call = parse_call(CALL)
    result = rank(
        call,
        [
            app("13y11m", dt.date(2012, 6, 16), 1_500_000),  # 13 years 11 months: still "max 13 years"
            app("14y", dt.date(2012, 6, 15), 1_000_000),  # 14 years on the day: too old
            app("2y11m", dt.date(2023, 6, 16), 1_000_000),  # under 3 years
            app("rich", dt.date(2020, 1, 1), 3_000_001),  # 30.000,01 €: over the threshold
            app("10y", dt.date(2016, 1, 1), 1_500_001, weeks=3, camp=15_000),  # 300 + 150 € capped at 400 €
        ],
    )
    by_id = result.by_id()
    assert by_id["13y11m"].eligible and by_id["10y"].eligible
    assert [x.rule_id for x in by_id["14y"].exclusions] == ["age"]
    assert [x.rule_id for x in by_id["2y11m"].exclusions] == ["age"]
    assert [x.rule_id for x in by_id["rich"].exclusions] == ["isee"]
    assert dict(by_id["13y11m"].breakdown) == {"isee_band": 30, "young": 0}
    assert dict(by_id["10y"].breakdown) == {"isee_band": 15, "young": 5}
    assert by_id["10y"].requested_cents == 40_000 and by_id["13y11m"].requested_cents == 10_000


@pytest.mark.parametrize(("written", "mistake"), [("max: 13 years", "max: 156"), ("under: 11 years", "under: 11")])
def test_a_bare_number_is_not_an_age(written: str, mistake: str) -> None:
    with pytest.raises(CallValidationError, match="write the unit"):
        parse_call(CALL.replace(written, mistake))


def test_amounts_in_rules_must_be_clear() -> None:
    with pytest.raises(CallValidationError, match="ambiguous"):
        parse_call(CALL.replace('"30.000,00 €"', '"30.000"'))


def test_money_in_the_application_file(tmp_path: Path) -> None:
    call = parse_call(CALL)
    path = tmp_path / "apps.csv"
    path.write_text(
        "id,submitted_at,birth,isee,weeks,camp_cost\n"
        'A,2026-03-02T09:00:00+01:00,2016-01-01,"12.345,67 €",2,150\n'
        "B,2026-03-02T09:00:00+01:00,2016-01-01,1.234,2,0\n",
        encoding="utf-8",
    )
    with pytest.raises(aio.InputError) as caught:
        aio.read_applications(path, call)
    assert caught.value.errors == [
        "apps.csv: row 3, column 'isee': '1.234' is ambiguous (a thousands separator or decimals?): write 1234 "
        "or 1.234,00 for 1234 euros, or use a comma before the cents (e.g. 1,23)"
    ]
    path.write_text(path.read_text(encoding="utf-8").replace(",1.234,", ',"1.234,00",'), encoding="utf-8")
    apps = aio.read_applications(path, call)
    assert [a.fields["isee"] for a in apps] == [1_234_567, 123_400]
    assert apps[0].fields["camp_cost"] == 15_000
