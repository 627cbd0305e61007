"""Funding down an ordered list: stop, skip, partial, and the cap per application (hand-checked)."""

from __future__ import annotations

import pytest

from concilia.allocation.budget import allocate, target_amount

# Budget 10,000.00 €; requests 4,000 / 5,000 / 3,000 / 1,000 € in ranking order.
ORDER = [("A", 400000), ("B", 500000), ("C", 300000), ("D", 100000)]


def test_stop_funds_until_the_first_that_does_not_fit() -> None:
    g = allocate(ORDER, 1000000, "stop")
    assert g.granted == {"A": 400000, "B": 500000}
    assert g.spent_cents == 900000
    assert g.last_funded == "B"
    assert not g.partial


def test_skip_goes_on_to_smaller_ones_that_fit() -> None:
    g = allocate(ORDER, 1000000, "skip")
    assert g.granted == {"A": 400000, "B": 500000, "D": 100000}
    assert g.spent_cents == 1000000
    assert g.last_funded == "D"


def test_partial_funds_the_one_that_does_not_fit_then_stops() -> None:
    g = allocate(ORDER, 1000000, "partial")
    assert g.granted == {"A": 400000, "B": 500000, "C": 100000}
    assert g.partial == {"C"}
    assert g.spent_cents == 1000000
    assert g.last_funded == "C"


def test_partial_with_nothing_left_funds_nobody_more() -> None:
    g = allocate([("A", 500000), ("B", 100000)], 500000, "partial")
    assert g.granted == {"A": 500000}
    assert not g.partial


def test_exact_fit_is_funded_in_full() -> None:
    assert allocate([("A", 300000)], 300000, "stop").granted == {"A": 300000}


def test_target_amount_caps_the_request() -> None:
    assert target_amount(200000, 150000) == 150000
    assert target_amount(100000, 150000) == 100000
    assert target_amount(None, 150000) == 150000
    assert target_amount(90000, None) == 90000
    with pytest.raises(ValueError):
        target_amount(None, None)
    with pytest.raises(ValueError):
        target_amount(-1, 100)
