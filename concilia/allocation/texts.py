"""Sentences a family understands, in Italian and English, from the engine's structured details.

Each criterion's ``explain`` (``rules.py``) returns what it looked at — the alternative that applied, the
units counted, the band an amount fell in, the values a condition read — and these functions say it in
words: no field codes, no "condition met", money as ``5.513,17 €``.
"""

from __future__ import annotations

from typing import Any

from concilia.allocation.units import format_money

__all__ = ["criterion_sentence", "header_lines", "points_word", "record_lines", "request_text", "tie_breaker_text"]

WORDS: dict[str, dict[str, str]] = {
    "it": {
        "point": "punto", "points": "punti", "yes": "sì", "no": "no", "missing": "dato non indicato",
        "none_of": "nessuna delle situazioni previste", "no_band": "non rientra in nessuna fascia",
        "band": "nella fascia", "from": "da", "to": "a", "up_to": "fino a", "over": "oltre",
        "declared_no": "non dichiarato", "value": "valore indicato", "at_most": "il massimo è",
        "at_least": "serve almeno", "not_in_list": "non è tra quelli previsti", "count": "indicati", "count_one": "indicato", "matching": "con i requisiti",
        "needs": "ne servono almeno", "at_most_n": "al massimo", "max_note": "conteggiati al massimo",
        "differ": "i valori non coincidono",
    },
    "en": {
        "point": "point", "points": "points", "yes": "yes", "no": "no", "missing": "not given",
        "none_of": "none of the listed situations", "no_band": "falls in no band", "band": "in the band",
        "from": "from", "to": "to", "up_to": "up to", "over": "over", "declared_no": "not declared",
        "value": "value given", "at_most": "the maximum is", "at_least": "at least", "not_in_list": "is not one of those listed",
        "count": "given", "count_one": "given", "matching": "meeting the condition", "needs": "needed at least", "at_most_n": "at most", "max_note": "counted up to",
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
    """One thing a condition read, said plainly ("Figli: 2 indicati, ne servono almeno 4")."""
    text = _fact_body(fact, lang)
    label = fact.get("label")
    return f"{label}: {text}" if label else text


def _fact_body(fact: dict[str, Any], lang: str) -> str:
    w = WORDS[lang]
    kind = fact.get("kind")
    value = fact.get("value")
    if kind == "count":
        text = f"{value} {w['matching' if fact.get('where') else 'count_one' if value == 1 else 'count']}"
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


# --------------------------------------------------------------------------------------------
# Whole records: what an application's family reads (``explain.application_record`` stores these lines)

SAY: dict[str, dict[str, str]] = {
    "it": {
        "excluded": "La domanda {id} non è in graduatoria: non rispetta i requisiti del bando.",
        "reason": "Motivo: {reason}",
        "ranked": "La domanda {id} è in posizione {rank} in graduatoria con {points}.",
        "first_come": "La domanda {id} è in posizione {rank}, in ordine di presentazione (presentata il {when}).",
        "at": "{date} alle {time}",
        "points_intro": "Come sono stati calcolati i punti:",
        "tied_one": "Un'altra domanda ha gli stessi punti: tra le due l'ordine segue questi criteri: {order}.",
        "tied": "Altre {n} domande hanno gli stessi punti: tra loro l'ordine segue questi criteri: {order}.",
        "then": ", poi ",
        "id_last": "numero di domanda",
        "lower": "{label} più basso", "higher": "{label} più alto",
        "earlier": "{label} meno recente", "later": "{label} più recente",
        "unnamed": "«{field}»",
        "older_child": "bambino più grande",
        "earlier_submission": "presentazione anteriore",
        "lottery": "sorteggio (chiave calcolata dal seme pubblicato «{seed}»)",
        "points_desc": "punti (dal più alto)",
        "submission_order": "ora di presentazione (dalla prima)",
        "order": "Ordine della graduatoria: {order}.",
        "call": "Bando «{title}».",
        "budget": "Budget: {budget}; assegnati: {spent}.",
        "choice": "«{name}» ({k}ª scelta)",
        "placed": "Posto assegnato: {choice}.",
        "waiting": "{choice}: in lista d'attesa, posizione {position}.",
        "not_placed": "{choice}: nessun posto assegnato.",
        "not_needed": "{choice}: non considerata, perché è stata assegnata una scelta precedente.",
        "age": "{choice}: l'età del bambino alla data di riferimento ({age}) è fuori dai limiti della struttura ({range}).",
        "age_missing": "{choice}: la struttura ha limiti di età e la data di nascita non è indicata.",
        "unknown": "{choice}: struttura non presente in questo bando.",
        "no_choices": "Nessuna struttura indicata tra le preferenze.",
        "refused": "Il posto offerto è stato rifiutato: la domanda non partecipa più all'assegnazione.",
        "expired": "Il posto offerto è decaduto per mancata risposta entro il termine.",
        "months": "{n} mesi", "month": "1 mese",
        "range": "da {lo} a {hi} mesi", "range_lo": "da {lo} mesi", "range_hi": "fino a {hi} mesi",
        "class": "Qui rientra in «{label}» (classe di priorità {klass}).",
        "class_none": "Qui non ha priorità (classe {klass}).",
        "points_here": "Punti per questa struttura: {base} + {extra} ({why}) = {total}.",
        "cutoff": "L'ultimo ammesso è in posizione {rank} in graduatoria con {points}{more}.",
        "cutoff_class": ", classe di priorità {klass}",
        "cutoff_here": ", {points} per questa struttura",
        "no_cutoff": "Nessun ammesso: la struttura non ha posti in questo bando.",
        "ahead": "Precede l'ultimo ammesso (posizione {rank} in graduatoria) perché {why}.",
        "ahead_class": "la classe di priorità conta prima dei punti: la sua è {mine}, quella dell'ultimo ammesso {theirs}",
        "ahead_points": "per questa struttura ha {mine}, l'ultimo ammesso {theirs}",
        "ahead_tie": "a parità di classe e di punti per questa struttura vale l'ordine di parità",
        "request": "Importo richiesto: {calc}.",
        "request_none": "Nessun importo indicato: si considera il contributo massimo di {cap}.",
        "capped": "{calc}, ridotto al massimo previsto di {cap}",
        "max_grant": "Il contributo massimo per domanda è {cap}: si considerano {target}.",
        "funded": "Finanziata: {granted}.",
        "partial": "Finanziata in parte: {granted} su {target}, quanto restava del budget di {budget}.",
        "not_funded_left": "Non finanziata: al suo turno restavano {left} del budget di {budget}, meno dei {target} necessari.",
        "not_funded_stop": "Non finanziata: le domande si finanziano in ordine e il bando si ferma alla prima che non rientra nel budget (posizione {stop}).",
        "each": "{units} × {each}",
    },
    "en": {
        "excluded": "Application {id} is not ranked: it does not meet the call's requirements.",
        "reason": "Reason: {reason}",
        "ranked": "Application {id} is ranked {rank} with {points}.",
        "first_come": "Application {id} is number {rank} in order of submission (submitted on {when}).",
        "at": "{date} at {time}",
        "points_intro": "How the points were computed:",
        "tied_one": "One other application has the same points: between the two the order follows: {order}.",
        "tied": "{n} other applications have the same points: among them the order follows: {order}.",
        "then": ", then ",
        "id_last": "application number",
        "lower": "lower {label} first", "higher": "higher {label} first",
        "earlier": "earlier {label} first", "later": "later {label} first",
        "unnamed": "«{field}»",
        "older_child": "older child first",
        "earlier_submission": "earlier submission first",
        "lottery": "lottery (key computed from the published seed «{seed}»)",
        "points_desc": "points (highest first)",
        "submission_order": "submission time (earliest first)",
        "order": "Order of the ranking: {order}.",
        "call": "Call «{title}».",
        "budget": "Budget: {budget}; granted: {spent}.",
        "choice": "«{name}» (choice {k})",
        "placed": "Place given: {choice}.",
        "waiting": "{choice}: on the waiting list, position {position}.",
        "not_placed": "{choice}: no place given.",
        "not_needed": "{choice}: not considered, because an earlier choice was given.",
        "age": "{choice}: the child's age on the reference date ({age}) is outside the service's limits ({range}).",
        "age_missing": "{choice}: the service has age limits and no birth date was given.",
        "unknown": "{choice}: not a service of this call.",
        "no_choices": "No service was listed among the preferences.",
        "refused": "The place offered was refused: the application no longer takes part in the assignment.",
        "expired": "The place offered lapsed: no answer came within the deadline.",
        "months": "{n} months", "month": "1 month",
        "range": "{lo} to {hi} months", "range_lo": "from {lo} months", "range_hi": "up to {hi} months",
        "class": "Here it falls under «{label}» (priority class {klass}).",
        "class_none": "Here it has no priority (class {klass}).",
        "points_here": "Points for this service: {base} + {extra} ({why}) = {total}.",
        "cutoff": "The last admitted is ranked {rank} with {points}{more}.",
        "cutoff_class": ", priority class {klass}",
        "cutoff_here": ", {points} for this service",
        "no_cutoff": "Nobody was admitted: the service has no places in this call.",
        "ahead": "It comes before the last admitted (ranked {rank}) because {why}.",
        "ahead_class": "the priority class counts before the points: its class is {mine}, the last admitted's {theirs}",
        "ahead_points": "for this service it has {mine}, the last admitted {theirs}",
        "ahead_tie": "with the same class and points for this service, the tie-break order decides",
        "request": "Amount asked: {calc}.",
        "request_none": "No amount given: the maximum grant of {cap} is considered.",
        "capped": "{calc}, reduced to the maximum of {cap}",
        "max_grant": "The maximum grant per application is {cap}: {target} is considered.",
        "funded": "Funded: {granted}.",
        "partial": "Partly funded: {granted} of {target}, what was left of the budget of {budget}.",
        "not_funded_left": "Not funded: at its turn {left} was left of the budget of {budget}, less than the {target} needed.",
        "not_funded_stop": "Not funded: applications are funded in order and the call stops at the first one that does not fit the budget (ranked {stop}).",
        "each": "{units} × {each}",
    },
}  # fmt: skip


def _num(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "it" else ",")


def tie_breaker_text(tb: dict[str, Any], lang: str) -> str:
    """One tie-breaker in words, from ``{"kind", "field", "label", "descending", "date", "seed"}``."""
    s = SAY[lang]
    kind = tb.get("kind")
    if kind == "earlier_submission":
        return s["earlier_submission"]
    if kind == "older_child_first":
        return s["older_child"]
    if kind == "lottery":
        return s["lottery"].format(seed=tb.get("seed", ""))
    label = tb.get("label") or s["unnamed"].format(field=tb.get("field"))
    if tb.get("date"):
        return s["later" if tb.get("descending") else "earlier"].format(label=label)
    return s["higher" if tb.get("descending") else "lower"].format(label=label)


def order_text(tie_breakers: list[dict[str, Any]], lang: str, *, with_points: bool = True) -> str:
    s = SAY[lang]
    parts = [tie_breaker_text(tb, lang) for tb in tie_breakers]
    return s["then"].join([s["points_desc"], *parts, s["id_last"]] if with_points else [*parts, s["id_last"]])


def request_text(detail: dict[str, Any], lang: str) -> str:
    """``"12 × 100,00 € = 1.200,00 €, ridotto al massimo previsto di 800,00 €"``."""
    s = SAY[lang]
    calc = _request_calc(detail, lang)
    if detail.get("before_cap") is not None:
        return s["capped"].format(calc=calc, cap=format_money(detail["cap"], lang))
    return calc


def _request_calc(detail: dict[str, Any], lang: str) -> str:
    s = SAY[lang]
    kind = detail.get("kind")
    total = format_money(detail.get("before_cap", detail["amount"]), lang)
    label = detail.get("label")
    if kind == "per_unit":
        units = detail.get("units")
        if units is None:
            text = f"{WORDS[lang]['missing']}: {total}"
        else:
            text = f"{s['each'].format(units=units, each=format_money(detail['each'], lang))} = {total}"
        return f"{label} {text}" if label else text
    if kind == "per_item":
        return _per_item_calc(detail, total, lang)
    if kind == "sum":
        parts = list(detail.get("parts", []))
        inner = " + ".join(f"({request_text(p, lang)})" if p.get("kind") != "field" else request_text(p, lang)
                           for p in parts)  # fmt: skip
        return f"{inner} = {total}"
    return f"{label} {total}" if label else total


def _per_item_calc(detail: dict[str, Any], total: str, lang: str) -> str:
    """``"figli 6 × 90,00 € + (8 × 90,00 € = 720,00 €, ridotto al massimo previsto di 540,00 €) = 1.080,00 €"``:
    each item counted (its units, or once), capped per item, then the total."""
    s, w = SAY[lang], WORDS[lang]
    each = format_money(detail["each"], lang)
    label = detail.get("label")
    items = list(detail.get("items", []))
    per_unit = bool(detail.get("per_unit"))
    if not per_unit and not any(i.get("before_cap") is not None for i in items):
        text = f"{s['each'].format(units=len(items), each=each)} = {total}"
        return f"{label} {text}" if label else text
    shown = []
    for item in items:
        units = item.get("units")
        if units is None:
            calc = f"{w['missing']}: {format_money(0, lang)}"
        else:
            calc = s["each"].format(units=item.get("counted", units), each=each)
            if item.get("counted", units) != units:
                calc += f" ({units} {w['count']}, {w['max_note']} {detail.get('max_units')})"
        if item.get("before_cap") is not None:
            calc = s["capped"].format(
                calc=f"{calc} = {format_money(item['before_cap'], lang)}", cap=format_money(item["amount"], lang)
            )
            calc = f"({calc})"
        shown.append(calc)
    text = f"{' + '.join(shown) or s['each'].format(units=0, each=each)} = {total}"
    return f"{label} {text}" if label else text


def header_lines(header: dict[str, Any], lang: str) -> list[str]:
    """The call, the order of its ranking, and in the budget modes the budget and what was granted."""
    s = SAY[lang]
    lines = [s["call"].format(title=header.get("title", ""))]
    tbs = header.get("tie_breakers", [])
    if header.get("mode") == "first_come":
        lines.append(s["order"].format(order=s["then"].join([s["submission_order"], s["id_last"]])))
    else:
        lines.append(s["order"].format(order=order_text(tbs, lang)))
    budget = header.get("budget")
    if budget:
        lines.append(s["budget"].format(budget=format_money(budget["budget_cents"] or 0, lang),
                                        spent=format_money(budget["spent_cents"] or 0, lang)))  # fmt: skip
    return lines


def _when(iso: str, lang: str) -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    t = dt.datetime.fromisoformat(iso)
    if t.tzinfo is not None:
        t = t.astimezone(ZoneInfo("Europe/Rome"))
    date = t.strftime("%d/%m/%Y") if lang == "it" else t.date().isoformat()
    return SAY[lang]["at"].format(date=date, time=t.strftime("%H:%M:%S"))


def _months(n: int, lang: str) -> str:
    s = SAY[lang]
    return s["month"] if n == 1 else s["months"].format(n=n)


def record_lines(record: dict[str, Any], header: dict[str, Any], lang: str) -> list[str]:
    """An application's explanation as sentences: whether it is ranked and why not, its points criterion by
    criterion, how ties were broken, and its outcome (each preferred service, or the amount granted)."""
    s = SAY[lang]
    rid = record["id"]
    if not record["eligible"]:
        return [s["excluded"].format(id=rid), *(s["reason"].format(reason=x["reason"]) for x in record["excluded_by"])]
    lines: list[str] = []
    if header.get("mode") == "first_come":
        lines.append(s["first_come"].format(id=rid, rank=_num(record["rank"], lang),
                                            when=_when(record["submitted_at"], lang)))  # fmt: skip
    else:
        lines.append(s["ranked"].format(id=rid, rank=_num(record["rank"], lang),
                                        points=points_word(record["points"], lang)))  # fmt: skip
    if record["breakdown"]:
        lines.append(s["points_intro"])
        lines.extend(criterion_sentence(b["label"], b["points"], b["detail"], lang) for b in record["breakdown"])
    tied = record.get("tied_with", 0)
    if tied:
        order = order_text(header.get("tie_breakers", []), lang, with_points=False)
        lines.append(
            s["tied_one"].format(order=order) if tied == 1 else s["tied"].format(n=_num(tied, lang), order=order)
        )
    if "choices" in record:
        lines.extend(_places_lines(record, header, lang))
    elif "granted_cents" in record:
        lines.extend(_budget_lines(record, header, lang))
    return lines


def _places_lines(record: dict[str, Any], header: dict[str, Any], lang: str) -> list[str]:
    s = SAY[lang]
    if record["outcome"] in ("refused", "expired"):
        return [s[record["outcome"]]]
    choices = record["choices"]
    if not choices:
        return [s["no_choices"]]
    offers = header.get("offers", {})
    lines: list[str] = []
    for c in choices:
        oid = c["offer"]
        info = offers.get(oid, {})
        choice = s["choice"].format(name=info.get("name") or oid, k=c["choice"])
        status = c["status"]
        if status == "unknown":
            lines.append(s["unknown"].format(choice=choice))
            continue
        if status == "not_needed":
            lines.append(s["not_needed"].format(choice=choice))
            continue
        if status == "age":
            if c.get("age_months") is None:
                lines.append(s["age_missing"].format(choice=choice))
                continue
            lo, hi = info.get("min_age_months"), info.get("max_age_months")
            rng = (s["range"].format(lo=lo, hi=hi) if lo is not None and hi is not None
                   else s["range_lo"].format(lo=lo) if lo is not None else s["range_hi"].format(hi=hi))  # fmt: skip
            lines.append(s["age"].format(choice=choice, age=_months(c["age_months"], lang), range=rng))
            continue
        if status == "placed":
            lines.append(s["placed"].format(choice=choice))
        elif status == "waiting":
            lines.append(s["waiting"].format(choice=choice, position=_num(c["position"], lang)))
        else:
            lines.append(s["not_placed"].format(choice=choice))
        if "class" in c:
            lines.append(s["class"].format(label=c["priority"], klass=c["class"]) if c.get("priority")
                         else s["class_none"].format(klass=c["class"]))  # fmt: skip
        extra = c.get("offer_breakdown")
        if extra and any(b["points"] for b in extra):
            why = "; ".join(
                criterion_sentence(b["label"], b["points"], b["detail"], lang) for b in extra if b["points"]
            )
            lines.append(s["points_here"].format(base=_num(record["points"], lang),
                                                 extra=_num(c["points"] - record["points"], lang),
                                                 why=why, total=points_word(c["points"], lang)))  # fmt: skip
        cut = info.get("cutoff")
        if status == "placed":
            if cut is not None and cut["rank"] < record["rank"]:
                lines.append(s["ahead"].format(rank=_num(cut["rank"], lang), why=_ahead(c, cut, lang)))
            continue
        if cut is None:
            lines.append(s["no_cutoff"])
            continue
        more = ""
        if "class" in cut:
            more += s["cutoff_class"].format(klass=cut["class"])
            if cut.get("priority"):
                more += f" («{cut['priority']}»)"
        if "points_here" in cut:
            more += s["cutoff_here"].format(points=points_word(cut["points_here"], lang))
        lines.append(
            s["cutoff"].format(rank=_num(cut["rank"], lang), points=points_word(cut["points"], lang), more=more)
        )
    return lines


def _ahead(choice: dict[str, Any], cut: dict[str, Any], lang: str) -> str:
    """Why a placed application with a worse rank than an offer's last admitted still comes before it there."""
    s = SAY[lang]
    if "class" in choice and "class" in cut and choice["class"] < cut["class"]:
        return s["ahead_class"].format(mine=choice["class"], theirs=cut["class"])
    if "points_here" in cut and choice.get("points", 0) > cut["points_here"]:
        return s["ahead_points"].format(mine=points_word(choice["points"], lang),
                                        theirs=points_word(cut["points_here"], lang))  # fmt: skip
    return s["ahead_tie"]


def _budget_lines(record: dict[str, Any], header: dict[str, Any], lang: str) -> list[str]:
    s = SAY[lang]
    money = lambda c: format_money(c, lang)  # noqa: E731
    budget = header.get("budget") or {}
    cap = header.get("max_grant_cents")
    lines: list[str] = []
    requested = record.get("requested_cents")
    if record.get("request") is not None:
        lines.append(s["request"].format(calc=request_text(record["request"], lang)))
    elif requested is not None:
        lines.append(s["request"].format(calc=money(requested)))
    elif cap is not None:
        lines.append(s["request_none"].format(cap=money(cap)))
    target = record.get("target_cents")
    if requested is not None and cap is not None and target is not None and target < requested:
        lines.append(s["max_grant"].format(cap=money(cap), target=money(target)))
    outcome = record["outcome"]
    if outcome == "funded":
        lines.append(s["funded"].format(granted=money(record["granted_cents"])))
    elif outcome == "partially_funded":
        lines.append(s["partial"].format(granted=money(record["granted_cents"]), target=money(target or 0),
                                         budget=money(budget.get("budget_cents") or 0)))  # fmt: skip
    elif outcome == "not_funded" and target is not None:
        left = record.get("remaining_cents")
        if left is not None and left < target:
            lines.append(s["not_funded_left"].format(left=money(left), budget=money(budget.get("budget_cents") or 0),
                                                     target=money(target)))  # fmt: skip
        else:
            lines.append(s["not_funded_stop"].format(stop=_num(record.get("stopped_at") or 0, lang)))
    return lines
