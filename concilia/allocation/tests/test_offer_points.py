"""Per-offer points: a criterion on the (application, offer) pair that counts at that offer only."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from concilia.allocation.engine import parse_call, rank
from concilia.allocation.explain import ranking_data
from concilia.allocation.rules import CallValidationError
from concilia.allocation.types import Application, Offer

ROME = dt.timezone(dt.timedelta(hours=1))

# A municipal table (issue 14): residents get 20,000 points; a sibling already attending *that* nursery
# adds 20 there; the nursery nearest the parent's workplace adds 10 there.
CALL = textwrap.dedent("""\
    call: {id: nidi, title: "Nidi comunali"}
    fields: {municipality: string, sibling_at: string, nearest_to_work: string, points_other: integer}
    offer_fields: {municipality: string}
    points:
      - {id: residence, label: "Residenza nel comune", condition: {in_list: {field: municipality, values: ["019036"]}},
         points: 20000}
      - {id: other, label: "Altri punti", per_unit: {field: points_other, points: 1}}
    offer_points:
      - id: sibling_there
        label: "Fratello o sorella già iscritto in quel nido"
        condition: {same: [application.sibling_at, offer.id]}
        points: 20
      - id: near_work
        label: "Nido più vicino al luogo di lavoro"
        one_of:
          alternatives: [{id: nearest, when: {same: [application.nearest_to_work, offer.id]}, points: 10}]
    tie_breakers: [earlier_submission]
    outcome: {mode: places, siblings: together}
    """)


def app(aid: str, hour: int, prefs: str, **fields: object) -> Application:
    return Application(aid, dt.datetime(2026, 3, 1, hour, tzinfo=ROME), fields, tuple(prefs.split("|")))


def offers(**caps: int) -> list[Offer]:
    return [Offer(o, c, fields={"municipality": "019036"}) for o, c in caps.items()]


def test_points_at_one_offer_order_that_offer_only() -> None:
    call = parse_call(CALL)
    apps = [
        app("R", 9, "N1|N2", municipality="019036"),
        app("S", 10, "N1", municipality="019001", sibling_at="N1"),
        app("T", 8, "N1", municipality="019036"),
        app("U", 11, "N1|N2", municipality="019036", sibling_at="N1"),
        app("W", 12, "N2|N1", municipality="019036", nearest_to_work="N2"),
    ]
    result = rank(call, apps, offers(N1=2, N2=1))
    by_id = result.by_id()
    # The global ranking is unchanged by per-offer points: residents by submission time, then S.
    assert [e.id for e in result.entries] == ["T", "R", "U", "W", "S"]
    # N1 orders U (20,020) before T and R (20,000, T earlier); N2 orders W (20,010) before R and U.
    assert {e.id: e.offer for e in result.entries} == {"T": "N1", "R": None, "U": "N1", "W": "N2", "S": None}
    assert list(result.offers["N1"].waiting) == ["R", "S"]
    assert list(result.offers["N2"].waiting) == ["R"]
    assert by_id["U"].offer_scores == {"N1": (20, 0), "N2": (0, 0)}
    assert by_id["W"].offer_scores == {"N2": (0, 10), "N1": (0, 0)}


def test_a_sibling_there_does_not_overtake_a_resident() -> None:
    """Per-offer points join the score (76 + 20 < 20,054): unlike a priority class, no absolute precedence."""
    call = parse_call(CALL)
    apps = [
        app("resident", 10, "N1", municipality="019036", points_other=54),
        app("outsider", 9, "N1", municipality="019001", points_other=76, sibling_at="N1"),
    ]
    result = rank(call, apps, offers(N1=1))
    assert result.offers["N1"].cutoff is not None and result.offers["N1"].cutoff.application_id == "resident"
    assert list(result.offers["N1"].waiting) == ["outsider"]


def test_a_tie_at_the_offer_is_broken_by_the_tie_breakers_not_by_global_points() -> None:
    call = parse_call(CALL)
    # A: 20,000 + 20 there = 20,020, submitted later; B: 20,020 globally, submitted first: B wins the tie.
    apps = [
        app("A", 11, "N1", municipality="019036", sibling_at="N1"),
        app("B", 9, "N1", municipality="019036", points_other=20),
    ]
    result = rank(call, apps, offers(N1=1))
    assert result.by_id()["B"].offer == "N1"
    apps[1] = app("B", 12, "N1", municipality="019036", points_other=20)
    assert rank(call, apps, offers(N1=1)).by_id()["A"].offer == "N1"


def test_without_per_offer_points_the_result_is_the_same() -> None:
    """A call whose per-offer criteria never score gives the same ranking data as the call without them."""
    plain = parse_call(CALL.split("offer_points:")[0] + "tie_breakers: [earlier_submission]\n"
                       "outcome: {mode: places, siblings: together}\n")  # fmt: skip
    with_points = parse_call(CALL)
    apps = [app(f"A{i}", 8 + i % 5, "N1|N2" if i % 2 else "N2|N1", municipality="019036" if i % 3 else "x",
                points_other=i % 4) for i in range(12)]  # fmt: skip
    a = ranking_data(rank(plain, apps, offers(N1=3, N2=2)))
    b = ranking_data(rank(with_points, apps, offers(N1=3, N2=2)))
    assert a == b


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("outcome: {mode: ranked_budget, budget_cents: 1}\n", "'offer_points' count at one offer only"),
        ("outcome: {mode: places}\n", None),
    ],
)
def test_offer_points_need_places_mode(tail: str, message: str | None) -> None:
    text = CALL.split("tie_breakers:")[0] + tail
    if message is None:
        assert parse_call(text).offer_criteria
    else:
        with pytest.raises(CallValidationError, match=message):
            parse_call(text)


def test_offer_fields_only_in_offer_points() -> None:
    text = CALL.replace("points_other, points: 1}}", "points_other, points: 1}}\n"
                        "  - {id: x, label: x, condition: {same: [municipality, offer.municipality]}, points: 1}")  # fmt: skip
    with pytest.raises(CallValidationError, match="offer fields can be read only by places priority rules"):
        parse_call(text)
