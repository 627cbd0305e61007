"""Each rule kind with hand-computed expectations, and validation errors that name the line."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from concilia.allocation.rules import CallValidationError, age_in_months, lottery_key, parse_call

HEADER = """\
call: {id: test, title: "Bando di prova"}
fields:
  child_birth_date: date
  municipality: string
  works_in_town: boolean
  disability: boolean
  declaration: boolean
  children_under_11: integer
  years_on_list: integer
  isee_cents: integer
offer_fields:
  municipality: string
lists:
  distretto: ["019036", "019001"]
"""
OUTCOME = "outcome: {mode: ranked_budget, budget_cents: 100000}\n"


def make(body: str, outcome: str = OUTCOME):
    return parse_call(HEADER + textwrap.dedent(body) + outcome, "call.yaml")


def eligible(call, **fields) -> list[str]:
    """Ids of the rules the fields fail."""
    return [r.id for r in call.eligibility if not r.test(fields, {})]


def points(call, **fields) -> dict[str, int]:
    return {c.id: c.score(fields) for c in call.criteria}


# -- eligibility predicates ------------------------------------------------------------------


def test_age_in_months_counts_completed_months() -> None:
    ref = dt.date(2026, 9, 1)
    assert age_in_months(dt.date(2026, 6, 1), ref) == 3
    assert age_in_months(dt.date(2026, 6, 2), ref) == 2
    assert age_in_months(dt.date(2023, 9, 1), ref) == 36
    assert age_in_months(dt.date(2023, 8, 31), ref) == 36
    assert age_in_months(dt.date(2023, 8, 1), ref) == 37


def test_age_months_range_is_inclusive() -> None:
    call = make("""
        eligibility:
          - id: age
            reason: "Età tra 3 e 36 mesi"
            rule: {age_months: {field: child_birth_date, reference_date: 2026-09-01, min: 3, max: 36}}
        """)
    assert eligible(call, child_birth_date=dt.date(2026, 6, 1)) == []
    assert eligible(call, child_birth_date=dt.date(2026, 6, 2)) == ["age"]
    assert eligible(call, child_birth_date=dt.date(2023, 9, 1)) == []
    assert eligible(call, child_birth_date=dt.date(2023, 8, 1)) == ["age"]
    assert eligible(call) == ["age"]  # missing date fails
    assert call.eligibility[0].reason == "Età tra 3 e 36 mesi"


def test_at_most_and_at_least_on_isee_cents() -> None:
    call = make("""
        eligibility:
          - {id: isee, reason: "ISEE oltre 30.000 euro", rule: {at_most: {field: isee_cents, value: 3000000}}}
          - {id: kids, reason: "Almeno un figlio", rule: {at_least: {field: children_under_11, value: 1}}}
        """)
    assert eligible(call, isee_cents=3000000, children_under_11=1) == []
    assert eligible(call, isee_cents=3000001, children_under_11=0) == ["isee", "kids"]
    assert eligible(call, children_under_11=2) == ["isee"]  # no ISEE: not at most anything


def test_in_list_inline_and_named() -> None:
    call = make("""
        eligibility:
          - {id: town, reason: "Residenza a Cremona", rule: {in_list: {field: municipality, values: ["019036"]}}}
          - {id: district, reason: "Residenza nel distretto", rule: {in_list: {field: municipality, list: distretto}}}
        """)
    assert eligible(call, municipality="019036") == []
    assert eligible(call, municipality="019001") == ["town"]
    assert eligible(call, municipality="015146") == ["town", "district"]


def test_is_true_and_combinators() -> None:
    call = make("""
        eligibility:
          - id: decl
            reason: "Dichiarazione obbligatoria"
            rule:
              all:
                - {is_true: {field: declaration}}
                - any: [{is_true: works_in_town}, {in_list: {field: municipality, list: distretto}}]
                - not: {is_true: {field: disability}}
        """)
    assert eligible(call, declaration=True, works_in_town=True) == []
    assert eligible(call, declaration=True, municipality="019001") == []
    assert eligible(call, declaration=True, municipality="015146") == ["decl"]
    assert eligible(call, declaration=False, works_in_town=True) == ["decl"]
    assert eligible(call, declaration=True, works_in_town=True, disability=True) == ["decl"]


def test_same_compares_application_and_offer_fields() -> None:
    call = make(
        "",
        outcome="""
outcome:
  mode: places
  priorities:
    - {id: resident, label: "Residenti nel comune del nido", class: 0, when: {same: [application.municipality, offer.municipality]}}
""",
    )
    rule = call.outcome.priorities[0]
    assert rule.when({"municipality": "019036"}, {"municipality": "019036"})
    assert not rule.when({"municipality": "019001"}, {"municipality": "019036"})
    assert not rule.when({}, {})
    assert call.outcome.default_class == 1


# -- points ------------------------------------------------------------------------------------

ADMISSION_TABLE = """
points:
  - {id: disability, label: "Disabilità certificata", condition: {is_true: {field: disability}}, points: 600}
  - id: residence
    label: "Residenza / lavoro"
    one_of:
      alternatives:
        - {id: resident, when: {in_list: {field: municipality, values: ["019036"]}}, points: 20000}
        - {id: works, when: {is_true: {field: works_in_town}}, points: 10000}
      otherwise: 0
  - id: family
    label: "Famiglia"
    sum:
      - {id: children, label: "Figli sotto 11 anni", per_unit: {field: children_under_11, points: 22}}
      - {id: years, label: "Anni in lista", per_unit: {field: years_on_list, points: 18, max_units: 2}}
  - id: isee
    label: "Fasce ISEE"
    bands:
      field: isee_cents
      missing: 0
      ranges:
        - {min: 0, max: 1000000, points: 300}
        - {min: 1000001, max: 2000000, points: 200}
        - {min: 2000001, points: 50}
"""


def test_admission_table_hand_computed() -> None:
    call = make(ADMISSION_TABLE)
    assert [c.id for c in call.criteria] == ["disability", "residence", "family.children", "family.years", "isee"]
    # Resident, disability, 3 children, 4 years on the list (capped at 2), ISEE 10,000.00 €.
    got = points(
        call,
        disability=True,
        municipality="019036",
        works_in_town=True,
        children_under_11=3,
        years_on_list=4,
        isee_cents=1000000,
    )
    assert got == {"disability": 600, "residence": 20000, "family.children": 66, "family.years": 36, "isee": 300}
    assert sum(got.values()) == 21002
    # Works in town only, 1 child, ISEE 10,000.01 €.
    got = points(call, municipality="019001", works_in_town=True, children_under_11=1, isee_cents=1000001)
    assert got == {"disability": 0, "residence": 10000, "family.children": 22, "family.years": 0, "isee": 200}
    # Neither, no ISEE.
    assert sum(points(call, municipality="015146").values()) == 0
    # Open top band.
    assert points(call, isee_cents=9_000_000)["isee"] == 50


def test_criterion_explanations() -> None:
    call = make(ADMISSION_TABLE)
    by_id = {c.id: c for c in call.criteria}
    assert by_id["residence"].explain({"works_in_town": True}) == {"alternative": "works", "label": "works"}
    assert by_id["family.years"].explain({"years_on_list": 5}) == {"value": 5, "counted": 2, "each": 18, "cap": 2}
    assert by_id["isee"].explain({"isee_cents": 5}) == {
        "field": "isee_cents", "value": 5, "money": True, "band": [0, 1000000]}  # fmt: skip


# -- tie-breakers --------------------------------------------------------------------------------


def test_lottery_key_is_public_sha256() -> None:
    import hashlib

    assert lottery_key("seme", "A-1") == hashlib.sha256(b"seme:A-1").hexdigest()


def test_tie_breakers_compile() -> None:
    call = make("""
        tie_breakers:
          - {field: isee_cents, order: asc, missing: last}
          - {older_child_first: {field: child_birth_date}}
          - earlier_submission
          - {lottery: {seed: 2026}}
        """)
    assert [t.kind for t in call.tie_breakers] == ["field", "older_child_first", "earlier_submission", "lottery"]
    assert call.tie_breakers[3].seed == "2026"


# -- validation -----------------------------------------------------------------------------------


def errors_of(text: str) -> list[str]:
    with pytest.raises(CallValidationError) as info:
        parse_call(text, "call.yaml")
    return [e.format("call.yaml") for e in info.value.errors]


def test_overlapping_bands_reported_with_line() -> None:
    text = (
        HEADER
        + textwrap.dedent("""
        points:
          - id: isee
            label: ISEE
            bands:
              field: isee_cents
              ranges:
                - {min: 0, max: 1500000, points: 300}
                - {min: 1500000, max: 2000000, points: 200}
        """)
        + OUTCOME
    )
    lines = text.splitlines()
    bands_line = next(i for i, line in enumerate(lines, 1) if line.strip() == "bands:")
    errs = errors_of(text)
    assert errs == [
        f"call.yaml:{bands_line}:5: points[0].bands: bands overlap at 1500000 "
        "(ranges[1] starts inside an earlier band ending at 1500000)"
    ]


def test_every_problem_is_reported_with_its_line() -> None:
    text = textwrap.dedent("""\
        call: {id: x, title: y}
        fields:
          isee_cents: integer
          birth: datetime
        eligibility:
          - {id: a, reason: r, rule: {at_most: {field: isee, value: 10}}}
          - {id: a, reason: r, rule: {eval: "1 + 1"}}
        points:
          - {id: p, label: l, per_unit: {field: isee_cents, points: "many"}}
        tie_breakers:
          - {lottery: {}}
        outcome: {mode: jackpot}
        """)
    errs = errors_of(text)
    joined = "\n".join(errs)
    assert "call.yaml:4:3: fields.birth: type 'datetime' unknown" in joined
    assert "call.yaml:6:" in joined and "unknown field 'isee'" in joined
    assert "call.yaml:7:" in joined and "duplicate rule id 'a'" in joined
    assert "unknown predicate 'eval'" in joined
    assert "call.yaml:9:" in joined and "'points' must be an integer" in joined
    assert "call.yaml:11:" in joined and "needs a 'seed'" in joined
    assert "call.yaml:12:" in joined and "'mode' must be" in joined
    assert [int(e.split(":")[1]) for e in errs] == sorted(int(e.split(":")[1]) for e in errs)


def test_type_mismatches_are_errors() -> None:
    errs = "\n".join(
        errors_of(
            HEADER
            + textwrap.dedent("""
        eligibility:
          - {id: a, reason: r, rule: {is_true: {field: isee_cents}}}
          - {id: b, reason: r, rule: {at_most: {field: isee_cents, value: "30000"}}}
          - {id: c, reason: r, rule: {same: [municipality, offer.municipality]}}
          - {id: d, reason: r, rule: {in_list: {field: municipality, list: nowhere}}}
        """)
            + OUTCOME
        )
    )
    assert "field 'isee_cents' is integer; expected boolean" in errs
    assert "'30000' is not a valid integer" in errs
    assert "offer fields can be read only by places priority rules" in errs
    assert "unknown list 'nowhere'" in errs


def test_invalid_yaml_has_line() -> None:
    errs = errors_of("call: {id: x\nfields: [\n")
    assert errs[0].startswith("call.yaml:") and "not valid YAML/JSON" in errs[0]


def test_duplicate_keys_are_errors() -> None:
    errs = errors_of(HEADER + "eligibility: []\neligibility: []\n" + OUTCOME)
    assert any("eligibility: duplicate key" in e for e in errs)


def test_json_call_is_accepted_with_lines() -> None:
    text = '{\n  "call": {"id": "j", "title": "t"},\n  "fields": {"x": "integer"},\n  "outcome": {"mode": "first_come", "budget_cents": -1}\n}\n'
    errs = errors_of(text)
    assert errs == ["call.yaml:4:37: outcome.budget_cents: 'budget_cents' must be at least 0"]
    ok = parse_call(text.replace("-1", "100"), "call.json")
    assert ok.outcome.mode == "first_come"


def test_unquoted_codes_in_lists_are_errors() -> None:
    # YAML reads 015146 as the octal number 6758: a municipality code must be quoted.
    errs = errors_of(
        HEADER
        + "eligibility:\n"
        + "  - {id: a, reason: r, rule: {in_list: {field: municipality, values: [015146]}}}\n"
        + OUTCOME
    )
    assert len(errs) == 1 and "6758 is not text: quote codes" in errs[0]


def test_field_labels_name_fields_in_explanations_and_bad_ones_are_errors() -> None:
    call = parse_call(
        "call: {id: c, title: c}\n"
        "fields:\n  isee: {type: money, label: ISEE}\n  municipality: string\n"
        "  children: {list: {birth_date: date}, max_items: 6, label: Figli}\n"
        "eligibility:\n  - {id: isee, reason: ISEE troppo alto, rule: {at_most: {field: isee, value: '30.000,00 €'}}}\n"
        "tie_breakers: [{field: isee, order: asc}]\n"
        "outcome: {mode: ranked_budget, budget_cents: 100, max_grant_cents: 10}\n"
    )
    assert call.fields == {"isee": "money", "municipality": "string", "children": "list"}
    assert call.field_labels == {"isee": "ISEE", "children": "Figli"}
    assert call.tie_breakers[0].field == "isee" and call.tie_breakers[0].money and not call.tie_breakers[0].descending
    bad = errors_of(
        "call: {id: c, title: c}\n"
        "fields:\n  isee: {type: euros, label: ISEE}\n  age: {type: integer, label: ''}\n"
        "  note: {type: string, label: x, hint: y}\n"
        "outcome: {mode: ranked_budget, budget_cents: 100}\n"
    )
    assert bad == [
        "call.yaml:3:10: fields.isee.type: type 'euros' unknown (allowed: string, integer, date, boolean, money)",
        "call.yaml:4:24: fields.age.label: 'label' must be a non-empty text",
        "call.yaml:5:34: fields.note.hint: unknown key 'hint' (allowed: type, label)",
    ]
