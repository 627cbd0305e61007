"""Sentences a family understands, in Italian and English, from the engine's structured details.

Each criterion's ``explain`` (``rules.py``) returns what it looked at — the alternative that applied, the
units counted, the band an amount fell in, the values a condition read — and these functions say it in
words: no field codes, no "condition met", money as ``5.513,17 €``.
"""

from __future__ import annotations

from typing import Any

from concilia.allocation.units import format_money

__all__ = ["criterion_sentence", "points_word"]

WORDS: dict[str, dict[str, str]] = {
    "it": {
        "point": "punto", "points": "punti", "yes": "sì", "no": "no", "missing": "dato non indicato",
        "none_of": "nessuna delle situazioni previste", "no_band": "non rientra in nessuna fascia",
        "band": "nella fascia", "from": "da", "to": "a", "up_to": "fino a", "over": "oltre",
        "declared_no": "non dichiarato", "value": "valore indicato", "at_most": "il massimo è",
        "at_least": "serve almeno", "not_in_list": "non è tra quelli previsti", "count": "indicati",
        "needs": "ne servono almeno", "at_most_n": "al massimo", "max_note": "conteggiati al massimo",
        "differ": "i valori non coincidono",
    },
    "en": {
        "point": "point", "points": "points", "yes": "yes", "no": "no", "missing": "not given",
        "none_of": "none of the listed situations", "no_band": "falls in no band", "band": "in the band",
        "from": "from", "to": "to", "up_to": "up to", "over": "over", "declared_no": "not declared",
        "value": "value given", "at_most": "the maximum is", "at_least": "at least", "not_in_list": "is not one of those listed",
        "count": "given", "needs": "needed at least", "at_most_n": "at most", "max_note": "counted up to",
        "differ": "the values differ",
    },
}  # fmt: skip


def points_word(n: int, lang: str) -> str:
    w = WORDS[lang]
    number = f"{n:,}".replace(",", "." if lang == "it" else ",")
    return f"{number} {w['point'] if abs(n) == 1 else w['points']}"


def _amount(value: Any, money: bool, lang: str) -> str:
    if value is None:
        return WORDS[lang]["missing"]
    if money and isinstance(value, int):
        return format_money(value, lang)
    if isinstance(value, bool):
        return WORDS[lang]["yes" if value else "no"]
    if hasattr(value, "isoformat"):
        return value.strftime("%d/%m/%Y") if lang == "it" else value.isoformat()
    return str(value)


def _fact(fact: dict[str, Any], lang: str) -> str:
    """One thing a condition read, said plainly ("Figli indicati: 2, ne servono almeno 4")."""
    w = WORDS[lang]
    kind = fact.get("kind")
    value = fact.get("value")
    if kind == "count":
        text = f"{value} {w['count']}"
        if fact.get("min") is not None:
            text += f", {w['needs']} {fact['min']}"
        return text
    if kind == "same":
        return w["differ"]
    if kind == "is_true":
        return w["declared_no"] if not value else w["yes"]
    shown = _amount(value, bool(fact.get("money")), lang)
    if value is None:
        return w["missing"]
    if kind == "at_most":
        return f"{w['value']} {shown}, {w['at_most']} {_amount(fact.get('limit'), bool(fact.get('money')), lang)}"
    if kind == "at_least":
        return f"{w['value']} {shown}, {w['at_least']} {_amount(fact.get('limit'), bool(fact.get('money')), lang)}"
    if kind == "in_list":
        return f"{shown} {w['not_in_list']}"
    return f"{w['value']} {shown}"


def criterion_sentence(label: str, points: int, detail: dict[str, Any], lang: str = "it") -> str:
    """``"Disabilità certificata: no (non dichiarato) — 0 punti"``, ``"Fasce ISEE: 5.513,17 € nella fascia
    fino a 10.000,00 € — 300 punti"``, ``"Per ogni figlio sotto gli 11 anni: 2 × 22 punti — 44 punti"``."""
    w = WORDS[lang]
    tail = f" — {points_word(points, lang)}"
    if "met" in detail:
        if detail["met"]:
            return f"{label}: {w['yes']}{tail}"
        facts = [f for f in detail.get("why") or [] if f]
        reason = "; ".join(_fact(f, lang) for f in facts)
        return f"{label}: {w['no']}{f' ({reason})' if reason else ''}{tail}"
    if "alternative" in detail:
        chosen = detail.get("label") or detail.get("alternative")
        return f"{label}: {chosen if chosen else w['none_of']}{tail}"
    if "each" in detail:
        counted = detail.get("counted", 0)
        given = detail.get("items", detail.get("value"))
        text = f"{label}: {counted} × {points_word(detail['each'], lang)}"
        if detail.get("cap") is not None and given is not None and given > counted:
            text += f" ({given} {w['count']}, {w['max_note']} {detail['cap']})"
        return text + tail
    if "band" in detail or "field" in detail:
        money = bool(detail.get("money"))
        value = detail.get("value")
        if value is None:
            return f"{label}: {w['missing']}{tail}"
        shown = _amount(value, money, lang)
        band = detail.get("band")
        if band is None:
            return f"{label}: {shown} {w['no_band']}{tail}"
        lo, hi = band
        if lo is None:
            where = f"{w['up_to']} {_amount(hi, money, lang)}"
        elif hi is None:
            where = f"{w['from']} {_amount(lo, money, lang)}"
        else:
            where = f"{w['from']} {_amount(lo, money, lang)} {w['to']} {_amount(hi, money, lang)}"
        return f"{label}: {shown} {w['band']} {where}{tail}"
    return f"{label}{tail}"
