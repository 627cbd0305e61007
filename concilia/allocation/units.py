"""Amounts of money and ages as a call's tables write them.

Money is kept as integer euro cents everywhere; tables and application files write euros ("30.000,00 €",
"1234,56", "12345.67", 30000). Ages are written with their unit ("13 years", "2 anni 6 mesi", "3 months"),
so "max 13 years" can never be typed as 156 months by mistake.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Duration", "format_money", "parse_duration", "parse_money"]

_CURRENCY = re.compile(r"(?i)\s*(€|eur|euro)\s*")
_ITALIAN = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")
_DOT_DECIMAL = re.compile(r"\d+\.\d{1,2}")
_THOUSANDS_ONLY = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")


def parse_money(raw: Any) -> int:
    """Euros → integer cents. Raises ValueError with the reason (ambiguous, more than two decimals, negative…).

    Accepted: a number (``30000``, ``1234.5``), Italian text (``30.000,00 €``, ``1234,56``, ``€ 12.345``
    with at least two thousands separators), or a decimal point with one or two decimals (``12345.67``).
    ``1.234`` is refused: in Italian it is a thousand, elsewhere one euro and 23.4 cents (with the euro sign,
    ``1.234 €``, it is read the Italian way).
    """
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not an amount in euros")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(str(raw))
    elif isinstance(raw, str):
        text = _CURRENCY.sub("", raw.replace("\u00a0", " ")).replace(" ", "")
        euro_sign = text != raw.replace("\u00a0", "").replace(" ", "")  # "15.000 €" is Italian: a thousands dot
        if text.startswith("-"):
            raise ValueError(f"{raw!r}: an amount must not be negative")
        if "," in text and _ITALIAN.fullmatch(text):
            value = Decimal(text.replace(".", "").replace(",", "."))
        elif re.fullmatch(r"\d+", text):
            value = Decimal(text)
        elif _THOUSANDS_ONLY.fullmatch(text) or (euro_sign and re.fullmatch(r"\d{1,3}\.\d{3}", text)):
            value = Decimal(text.replace(".", ""))
        elif re.fullmatch(r"\d{1,3}\.\d{3}", text):
            whole = text.replace(".", "")
            raise ValueError(
                f"{raw!r} is ambiguous (a thousands separator or decimals?): write {whole} or {text},00 for "
                f"{whole} euros, or use a comma before the cents (e.g. 1,23)"
            )
        elif _DOT_DECIMAL.fullmatch(text):
            value = Decimal(text)
        else:
            raise ValueError(f"{raw!r} is not an amount in euros (e.g. 12.345,67 or 12345.67)")
    else:
        raise ValueError(f"{raw!r} is not an amount in euros")
    if value < 0:
        raise ValueError(f"{raw!r}: an amount must not be negative")
    try:
        cents = value * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{raw!r} has more than two decimals (cents)")
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not an amount in euros") from exc
    return int(cents)


def format_money(cents: int, lang: str = "it") -> str:
    """``1234567`` → ``12.345,67 €`` (Italian) or ``€12,345.67`` (English)."""
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    if lang == "it":
        return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d} €"
    return f"{sign}€{euros:,}.{rest:02d}"


class Duration:
    """An age bound: whole months, and whether it was written in whole years only ("13 years")."""

    __slots__ = ("months", "text", "years_only")

    def __init__(self, months: int, years_only: bool, text: str) -> None:
        self.months, self.years_only, self.text = months, years_only, text

    def __repr__(self) -> str:
        return f"Duration({self.text!r})"


_DURATION = re.compile(
    r"(?i)\s*(?:(?P<y>\d+)\s*(?:years?|anni|anno|y))?\s*,?\s*(?:e\s+|and\s+)?(?:(?P<m>\d+)\s*(?:months?|mesi|mese|m))?\s*"
)


def parse_duration(raw: Any) -> Duration:
    """``"13 years"``, ``"2 anni 6 mesi"``, ``"3 months"`` → :class:`Duration`. A bare number is refused."""
    if isinstance(raw, bool) or not isinstance(raw, str):
        raise ValueError(f"{raw!r}: write the unit, e.g. '13 years', '36 months' or '2 years 6 months'")
    match = _DURATION.fullmatch(raw)
    if not match or (match["y"] is None and match["m"] is None):
        raise ValueError(f"{raw!r} is not an age: write e.g. '13 years', '36 months' or '2 years 6 months'")
    years, months = int(match["y"] or 0), int(match["m"] or 0)
    if months > 11 and match["y"] is not None:
        raise ValueError(f"{raw!r}: with years, months go from 0 to 11")
    return Duration(years * 12 + months, match["m"] is None, raw.strip())
