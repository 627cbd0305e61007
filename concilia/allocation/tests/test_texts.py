"""Explanations in words, in Italian and English: no field codes, no "condition met", money in euros."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

from concilia.allocation import io as aio
from concilia.allocation.engine import load_call, parse_call, rank
from concilia.allocation.explain import explanation_records, record_text
from concilia.allocation.rules import Call
from concilia.allocation.tests.test_lists import CALL as LIST_CALL
from concilia.allocation.tests.test_lists import child
from concilia.allocation.tests.test_offer_points import CALL as OFFER_CALL
from concilia.allocation.tests.test_offer_points import app as opapp
from concilia.allocation.tests.test_offer_points import offers as op_offers
from concilia.allocation.texts import criterion_sentence
from concilia.allocation.types import Application, Offer
from concilia.allocation.units import parse_money

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def sentences(call: object, fields: dict[str, object], lang: str = "it") -> list[str]:
    return [criterion_sentence(c.label, c.score(fields), c.explain(fields), lang) for c in call.criteria]  # type: ignore[attr-defined]


def test_the_nursery_table_in_words() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    fields = {"isee_cents": 551317, "municipality": "019001", "parent_works_in_town": True, "children_under_11": 7}
    assert sentences(call, fields) == [
        "Disabilità certificata del bambino: no (non dichiarato) — 0 punti",
        "Residenza o lavoro a Cremona: Un genitore lavora a Cremona — 10.000 punti",
        "Ogni figlio sotto gli 11 anni: 5 × 22 punti (7 indicati, conteggiati al massimo 5) — 110 punti",
        "Ogni anno precedente in lista d'attesa: 0 × 18 punti — 0 punti",
        "Fasce ISEE: 5.513,17 € nella fascia da 0,00 € a 10.000,00 € — 300 punti",
    ]
    assert sentences(call, {"isee_cents": 551317}, "en")[-1] == (
        "Fasce ISEE: €5,513.17 in the band from €0.00 to €10,000.00 — 300 points"
    )
    assert sentences(call, {})[-1] == "Fasce ISEE: dato non indicato — 0 punti"
    for line in sentences(call, fields) + sentences(call, {}, "en"):
        assert "condition" not in line and "isee_cents" not in line and "ranges[" not in line


def test_a_zero_says_why() -> None:
    call = parse_call(LIST_CALL)
    fields = {"children": [child(2018), child(2020, True)]}
    assert sentences(call, fields)[-1] == "Quarto figlio: no (2 indicati, ne servono almeno 4) — 0 punti"
    assert sentences(call, fields, "en")[-1] == "Quarto figlio: no (2 given, needed at least 4) — 0 points"
    assert sentences(call, {"children": [child(2018)] * 4})[-1] == "Quarto figlio: sì — 5 punti"
    assert dt.date(2018, 1, 1) == fields["children"][0]["birth_date"]  # type: ignore[index]


# --------------------------------------------------------------------------------------------
# Whole records: every application's explanation in sentences (explanation.jsonl "text")

INTERNAL = ("_cents", "condition", "ranges[", "None", "True", "False", "{", "[")


def records(call: Call, apps: list[Application], offers: list[Offer] = ()) -> dict[str, dict[str, Any]]:  # type: ignore[assignment]
    result = rank(call, apps, offers)
    header, *rest = explanation_records(call, result, apps, offers)
    out = {r["id"]: {**r, "text": record_text(r, header)} for r in rest}
    out["_header"] = header
    return out


def no_internal_text(recs: dict[str, dict[str, Any]]) -> None:
    for r in recs.values():
        for lang in ("it", "en"):
            assert r["text"][lang], r.get("id", "header")
            for line in r["text"][lang]:
                for bad in INTERNAL:
                    assert bad not in line, (line, bad)


def test_the_nursery_example_explained() -> None:
    call = load_call(EXAMPLES / "nursery-call.yaml")
    apps = aio.read_applications(EXAMPLES / "nursery-applications.csv", call)
    offers = aio.read_offers(EXAMPLES / "nursery-offers.csv", call)
    recs = records(call, apps, offers)
    no_internal_text(recs)
    assert recs["N-002"]["text"]["it"] == [
        "La domanda N-002 è in posizione 4 in graduatoria con 10.862 punti.",
        "Come sono stati calcolati i punti:",
        "Disabilità certificata del bambino: sì — 600 punti",
        "Residenza o lavoro a Cremona: Un genitore lavora a Cremona — 10.000 punti",
        "Ogni figlio sotto gli 11 anni: 2 × 22 punti — 44 punti",
        "Ogni anno precedente in lista d'attesa: 1 × 18 punti — 18 punti",
        "Fasce ISEE: 15.000,00 € nella fascia da 10.000,01 € a 20.000,00 € — 200 punti",
        "«Nido Aquilone (tempo pieno)» (1ª scelta): in lista d'attesa, posizione 1.",
        "Qui non ha priorità (classe 1).",
        "L'ultimo ammesso è in posizione 2 in graduatoria con 20.222 punti, classe di priorità 0 "
        "(«Residenti nel comune del nido»).",
    ]
    assert recs["N-002"]["text"]["en"][0] == "Application N-002 is ranked 4 with 10,862 points."
    assert recs["N-002"]["text"]["en"][-3:] == [
        "«Nido Aquilone (tempo pieno)» (choice 1): on the waiting list, position 1.",
        "Here it has no priority (class 1).",
        "The last admitted is ranked 2 with 20,222 points, priority class 0 («Residenti nel comune del nido»).",
    ]
    # Ties name the call's tie-breakers in words, with the field's label.
    assert recs["N-004"]["text"]["it"][7] == (
        "Un'altra domanda ha gli stessi punti: tra le due l'ordine segue questi criteri: ISEE più basso, poi "
        "bambino più grande, poi presentazione anteriore, poi sorteggio (chiave calcolata dal seme pubblicato "
        "«cremona-nidi-2026-sorteggio-pubblico»), poi numero di domanda."
    )
    assert recs["N-001"]["text"]["it"][-1] == (
        "«Nido Birillo (tempo pieno)» (2ª scelta): non considerata, perché è stata assegnata una scelta precedente."
    )
    assert recs["N-006"]["text"]["it"] == [
        "La domanda N-006 non è in graduatoria: non rispetta i requisiti del bando.",
        "Motivo: Il bambino deve avere tra 3 e 36 mesi al 1 settembre 2026",
    ]
    header = recs["_header"]
    assert header["offers"]["NIDO-AQUILONE-FT"]["cutoff"] == {
        "application_id": "N-008", "points": 20222, "rank": 2, "class": 0, "priority": "Residenti nel comune del nido",
    }  # fmt: skip
    assert header["text"]["it"][1].startswith("Ordine della graduatoria: punti (dal più alto), poi ISEE più basso")


ROME = dt.timezone(dt.timedelta(hours=1))


def app(aid: str, hour: int, prefs: str = "", **fields: object) -> Application:
    return Application(aid, dt.datetime(2026, 3, 1, hour, tzinfo=ROME), fields, tuple(p for p in prefs.split("|") if p))


PRIORITY_CALL = textwrap.dedent("""\
    call: {id: nidi, title: "Nidi comunali"}
    fields: {municipality: string, points_other: integer, birth: {type: date, label: "data di nascita"}}
    offer_fields: {municipality: string, name: string}
    points:
      - {id: other, label: "Punti della tabella", per_unit: {field: points_other, points: 1}}
    tie_breakers: [earlier_submission]
    outcome:
      mode: places
      age: birth
      reference_date: 2026-09-01
      priorities:
        - {id: same, label: "Residenti nel comune del nido", class: 0, when: {same: [application.municipality, offer.municipality]}}
    """)


def test_a_placed_child_with_a_worse_rank_is_told_which_class_put_it_ahead() -> None:
    """The issue's case: a child at rank 3 is placed where the last admitted has rank 1 — the class says why."""
    call = parse_call(PRIORITY_CALL)
    born = dt.date(2025, 1, 1)
    apps = [
        app("A1", 9, "N1", municipality="019001", points_other=90, birth=born),
        app("A2", 10, "N1", municipality="019001", points_other=80, birth=born),
        app("B", 11, "N1", municipality="019036", points_other=10, birth=born),
        app("BABY", 12, "N1", municipality="019036", points_other=5, birth=dt.date(2026, 8, 1)),
    ]
    offers = [
        Offer("N1", 2, min_age_months=3, max_age_months=36, fields={"municipality": "019036", "name": "Nido Sole"})
    ]
    recs = records(call, apps, offers)
    no_internal_text(recs)
    assert recs["B"]["rank"] == 3 and recs["B"]["outcome"] == "placed"
    assert recs["B"]["text"]["it"][-3:] == [
        "Posto assegnato: «Nido Sole» (1ª scelta).",
        "Qui rientra in «Residenti nel comune del nido» (classe di priorità 0).",
        "Precede l'ultimo ammesso (posizione 1 in graduatoria) perché la classe di priorità conta prima dei "
        "punti: la sua è 0, quella dell'ultimo ammesso 1.",
    ]
    assert recs["B"]["text"]["en"][-1] == (
        "It comes before the last admitted (ranked 1) because the priority class counts before the points: "
        "its class is 0, the last admitted's 1."
    )
    assert recs["A2"]["text"]["it"][-3:] == [
        "«Nido Sole» (1ª scelta): in lista d'attesa, posizione 1.",
        "Qui non ha priorità (classe 1).",
        "L'ultimo ammesso è in posizione 1 in graduatoria con 90 punti, classe di priorità 1.",
    ]
    # One month old on the reference date: outside the nursery's 3–36 months.
    assert recs["BABY"]["choices"] == [{"offer": "N1", "choice": 1, "status": "age", "age_months": 1}]
    assert recs["BABY"]["text"]["it"][-1] == (
        "«Nido Sole» (1ª scelta): l'età del bambino alla data di riferimento (1 mese) è fuori dai limiti della "
        "struttura (da 3 a 36 mesi)."
    )


def test_per_offer_points_are_named_where_they_count() -> None:
    call = parse_call(OFFER_CALL)
    apps = [
        opapp("R", 9, "N1|N2", municipality="019036"),
        opapp("S", 10, "N1", municipality="019001", sibling_at="N1"),
        opapp("T", 8, "N1", municipality="019036"),
        opapp("U", 11, "N1|N2", municipality="019036", sibling_at="N1"),
        opapp("W", 12, "N2|N1", municipality="019036", nearest_to_work="N2"),
    ]
    recs = records(call, apps, op_offers(N1=2, N2=1))
    no_internal_text(recs)
    # U is ranked 3 and placed at N1, whose last admitted (T) is ranked 1: its sibling's 20 points there.
    assert recs["U"]["text"]["it"][-4:] == [
        "Posto assegnato: «N1» (1ª scelta).",
        "Punti per questa struttura: 20.000 + 20 (Fratello o sorella già iscritto in quel nido: sì — 20 punti) "
        "= 20.020 punti.",
        "Precede l'ultimo ammesso (posizione 1 in graduatoria) perché per questa struttura ha 20.020 punti, "
        "l'ultimo ammesso 20.000 punti.",
        "«N2» (2ª scelta): non considerata, perché è stata assegnata una scelta precedente.",
    ]
    # R waits at both; at N2 the last admitted (W) has 10 points there of its own.
    assert recs["R"]["text"]["en"][-4:] == [
        "«N1» (choice 1): on the waiting list, position 1.",
        "The last admitted is ranked 1 with 20,000 points, 20,000 points for this service.",
        "«N2» (choice 2): on the waiting list, position 1.",
        "The last admitted is ranked 4 with 20,000 points, 20,010 points for this service.",
    ]


BUDGET_CALL = textwrap.dedent("""\
    call: {id: centri-estivi, title: "Voucher centri estivi"}
    fields: {weeks: {type: integer, label: "settimane"}, isee: {type: money, label: ISEE}}
    points:
      - id: isee
        label: "Fasce ISEE"
        bands: {field: isee, ranges: [{max: "15.000 €", points: 10}, {min: "15.000,01 €", points: 5}]}
    tie_breakers: [earlier_submission]
    outcome:
      mode: {mode}
      budget_cents: 150000
      fit: {fit}
      request: {per_unit: {field: weeks, amount: "100 €"}, max: "800 €"}
    """)


def budget_call(mode: str = "ranked_budget", fit: str = "stop") -> Call:
    return parse_call(BUDGET_CALL.replace("{mode}", mode).replace("{fit}", fit))


def test_a_capped_request_shows_the_amount_after_the_cap() -> None:
    call = budget_call()
    apps = [app("A", 9, weeks=10, isee="9.000,00"), app("B", 10, weeks=4, isee="9.500,00"),
            app("C", 11, weeks=5, isee="20.000,00"), app("D", 12, weeks=1, isee="25.000,00")]  # fmt: skip
    apps = [dataclasses.replace(a, fields={**a.fields, "isee": parse_money(a.fields["isee"])}) for a in apps]
    recs = records(call, apps)
    no_internal_text(recs)
    assert recs["A"]["request"] == {"kind": "per_unit", "label": "settimane", "units": 10, "each": 10000,
                                    "amount": 80000, "before_cap": 100000, "cap": 80000}  # fmt: skip
    assert recs["A"]["text"]["it"][-2:] == [
        "Importo richiesto: settimane 10 × 100,00 € = 1.000,00 €, ridotto al massimo previsto di 800,00 €.",
        "Finanziata: 800,00 €.",
    ]
    assert recs["A"]["text"]["en"][-2:] == [
        "Amount asked: settimane 10 × €100.00 = €1,000.00, reduced to the maximum of €800.00.",
        "Funded: €800.00.",
    ]
    assert recs["B"]["text"]["it"][-2:] == [
        "Importo richiesto: settimane 4 × 100,00 € = 400,00 €.",
        "Finanziata: 400,00 €.",
    ]
    # C asks 500 € when 300 € are left: with fit "stop" it is not funded, and neither is D (100 €) after it.
    assert recs["C"]["text"]["it"][-1] == (
        "Non finanziata: al suo turno restavano 300,00 € del budget di 1.500,00 €, meno dei 500,00 € necessari."
    )
    assert recs["D"]["text"]["it"][-1] == (
        "Non finanziata: le domande si finanziano in ordine e il bando si ferma alla prima che non rientra nel "
        "budget (posizione 3)."
    )
    # With fit "skip", D fits in what is left.
    skip = records(budget_call(fit="skip"), apps)
    assert skip["D"]["text"]["it"][-1] == "Finanziata: 100,00 €."


def test_first_come_says_when_the_application_arrived() -> None:
    call = budget_call("first_come")
    apps = [app("A", 9, weeks=2, isee=900000)]
    recs = records(call, apps)
    assert recs["A"]["text"]["it"][0] == (
        "La domanda A è in posizione 1, in ordine di presentazione (presentata il 01/03/2026 alle 09:00:00)."
    )
    assert recs["A"]["text"]["en"][0] == (
        "Application A is number 1 in order of submission (submitted on 2026-03-01 at 09:00:00)."
    )
    assert recs["_header"]["text"]["it"][1] == (
        "Ordine della graduatoria: ora di presentazione (dalla prima), poi numero di domanda."
    )


def test_a_count_with_where_reports_the_items_that_match_and_names_the_list() -> None:
    spec = LIST_CALL.replace("    max_items: 8\n", "    max_items: 8\n    label: Figli\n").replace(
        "condition: {count: {list: children, min: 4}}",
        "condition: {count: {list: children, where: {is_true: shared_custody}, min: 2}}",
    )
    assert "label: Figli" in spec and "where: {is_true: shared_custody}, min: 2" in spec
    call = parse_call(spec)
    fields = {"children": [child(2018), child(2019), child(2020, True)]}
    assert sentences(call, fields)[-1] == "Quarto figlio: no (Figli: 1 con i requisiti, ne servono almeno 2) — 0 punti"
