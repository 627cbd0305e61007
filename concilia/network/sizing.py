"""Enterprise size class per Commission Recommendation 2003/361/EC (Annex, Article 2).

Headcount in annual work units, plus either turnover or balance-sheet total:
micro  < 10 and (turnover <= 2 M€ or balance sheet <= 2 M€);
small  < 50 and (turnover <= 10 M€ or balance sheet <= 10 M€);
medium < 250 and (turnover <= 50 M€ or balance sheet <= 43 M€);
large  otherwise. Without financial figures only the headcount decides.
"""

from __future__ import annotations

from concilia.network.choices import SizeClass

_M = 1_000_000 * 100  # one million euro in cents
THRESHOLDS = [
    (SizeClass.MICRO, 10, 2 * _M, 2 * _M),
    (SizeClass.SMALL, 50, 10 * _M, 10 * _M),
    (SizeClass.MEDIUM, 250, 50 * _M, 43 * _M),
]


def size_class(
    employees: int | None, turnover_cents: int | None = None, balance_sheet_cents: int | None = None
) -> SizeClass | None:
    """The size class for these figures, or ``None`` when the headcount is unknown."""
    if employees is None:
        return None
    for klass, max_staff, max_turnover, max_balance in THRESHOLDS:
        if employees >= max_staff:
            continue
        if turnover_cents is None and balance_sheet_cents is None:
            return klass
        if (turnover_cents is not None and turnover_cents <= max_turnover) or (
            balance_sheet_cents is not None and balance_sheet_cents <= max_balance
        ):
            return klass
    return SizeClass.LARGE
