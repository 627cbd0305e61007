"""The demo's families: two family calls of the Milan ATS network and about 200 example households.

So that ``make run`` shows both ends of the families' side:

- an **open** voucher call for summer camps (“Voucher centri estivi – esempio”), to which some example
  households have applied already and a new family can apply from its phone;
- a **ranked** nursery place call for the C.I.P. area (Sesto San Giovanni and Cinisello Balsamo: the
  project “Conciliazione In Pratica” of seeds/000-002), closed twenty days ago, whose provisional ranking
  was computed on closing day and published by two coordinators (``coordinatore.milano`` asked,
  ``coordinatrice.milano`` approved).

Everything here is invented and marked as such (``is_example``, “esempio” in the titles): the seeds name the
C.I.P. project and its municipalities, not any call for families, amount or household. Households are
generated with a fixed seed, so every load makes the same ones. ``famiglia.esempio`` (password
``concilia-demo``) is one of the nursery call's applicants: its area shows its place and the reasons.
The nursery's places were offered two days ago: one example family accepted, another refused and its seat
went to the next family; ``nido.sesto`` (the municipal nursery, accounts/demo.py) confirms enrolments.
A spring voucher call, closed a month ago, has its vouchers issued (``famiglia.esempio`` has one); one was spent
at the summer camp Il Torpedone (``torpedone``) and waits for the coordinators' reimbursement.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from concilia.accounts.demo import DEMO_PASSWORD
from concilia.accounts.models import User
from concilia.benefits import services
from concilia.benefits.models import Adult, Child, Household
from concilia.citizens.models import Citizen
from concilia.core import clock
from concilia.network.models import Network, Organisation
from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus, FundingKind, VoucherBasis
from concilia.programming.models import Call, CallOffer, FamilyCallTerms, FundingSource, Plan
from concilia.programming.services import call_transition
from concilia.services.choices import ServiceKind
from concilia.services.models import Offer, Service
from concilia.territory.models import Municipality

NETWORK = "Rete territoriale per la conciliazione dell'ATS della Città Metropolitana di Milano"
COORDINATORS = ("coordinatore.milano", "coordinatrice.milano")
FAMILY = "famiglia.esempio"
VOUCHER_CODE = "voucher-estate-esempio"
PLACES_CODE = "nidi-cip-esempio"
SPRING_CODE = "voucher-primavera-esempio"
CODES = (VOUCHER_CODE, PLACES_CODE, SPRING_CODE)
EURO = 100
SEED = 2026

FIRST_NAMES = ("Giulia", "Marco", "Sara", "Luca", "Chiara", "Andrea", "Francesca", "Matteo", "Elena", "Davide",
               "Valentina", "Simone", "Martina", "Alessandro", "Federica", "Paolo", "Silvia", "Stefano", "Laura",
               "Giorgio", "Anna", "Fabio", "Ilaria", "Roberto")  # fmt: skip
LAST_NAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
              "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
              "Barbieri", "Fontana", "Santoro", "Mariani")  # fmt: skip
CHILD_NAMES = ("Bea", "Leo", "Sofia", "Tommaso", "Aurora", "Edoardo", "Giada", "Pietro", "Alice", "Lorenzo", "Emma",
               "Filippo", "Greta", "Riccardo", "Nina", "Gabriele")  # fmt: skip

VOUCHER_RULES = """\
eligibility:
  - {id: lavoro, reason: "I genitori del nucleo lavorano tutti (o lavora il genitore solo)", rule: {is_true: {field: both_parents_working}}}
  - {id: isee, reason: "ISEE fino a 40.000,00 euro, da una DSU valida", rule: {at_most: {field: isee_cents, value: 4000000}}}
  - {id: dichiarazioni, reason: "Le dichiarazioni sono state rese", rule: {is_true: {field: declaration}}}
points:
  - id: isee
    label: "Fasce ISEE"
    bands:
      field: isee_cents
      missing: 0
      ranges:
        - {min: 0, max: 1500000, points: 30}
        - {min: 1500001, max: 2500000, points: 20}
        - {min: 2500001, points: 10}
  - {id: solo, label: "Genitore solo", condition: {is_true: {field: single_parent}}, points: 15}
  - {id: disabilita, label: "Figli con disabilità certificata", per_unit: {field: children_with_disability, points: 10, max_units: 3}}
tie_breakers:
  - {field: isee_cents, order: asc, missing: last}
"""

PLACES_RULES = """\
eligibility:
  - {id: residenza, reason: "Residenza a Sesto San Giovanni o a Cinisello Balsamo (area del progetto C.I.P.)", rule: {in_list: {field: municipality, values: ["015209", "015077"]}}}
  - {id: dichiarazioni, reason: "Le dichiarazioni sono state rese", rule: {is_true: {field: declaration}}}
points:
  - {id: lavoro, label: "Entrambi i genitori lavorano", condition: {is_true: {field: both_parents_working}}, points: 30}
  - {id: solo, label: "Genitore solo", condition: {is_true: {field: single_parent}}, points: 25}
  - {id: disabilita, label: "Bambino con disabilità certificata", condition: {is_true: {field: child_disability}}, points: 40}
  - id: isee
    label: "Fasce ISEE"
    bands:
      field: isee_cents
      missing: 0
      ranges:
        - {min: 0, max: 1000000, points: 20}
        - {min: 1000001, max: 2000000, points: 10}
tie_breakers:
  - {field: isee_cents, order: asc, missing: last}
  - earlier_submission
"""


#: The spring call asks only for the declarations, and gives the summer call's points.
SPRING_RULES = (
    "eligibility:\n"
    '  - {id: dichiarazioni, reason: "Le dichiarazioni sono state rese", rule: {is_true: {field: declaration}}}\n'
    + VOUCHER_RULES[VOUCHER_RULES.index("points:") :]
)


@dataclass
class BenefitsResult:
    households: int = 0
    applications: int = 0
    drafts: int = 0
    places: int = 0
    vouchers: int = 0
    skipped: bool = False

    def __str__(self) -> str:
        if self.skipped:
            return "benefits.demo: family calls present, nothing loaded"
        return (
            f"benefits.demo: 3 family calls (one open, two ranked and published), {self.households} example "
            f"households, {self.applications} applications ({self.drafts} refused by the rules, left as drafts), "
            f"{self.places} nursery places offered, {self.vouchers} vouchers issued"
        )


def _user(username: str, first: str, last: str, *, password: str | None = None) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
    if created and password:
        user.set_password(password)
        user.save()
    return user


def _household(
    rng: random.Random, owner: User, municipality: Municipality, *, today: dt.date, child_ages: tuple[int, int]
) -> tuple[Household, list[Child]]:
    """An example household: one or two parents (mostly working), one or two children, an ISEE."""
    household = services.household_save(owner=owner, by=None, municipality=municipality, address="")
    Household.objects.filter(pk=household.pk).update(is_example=True)
    last = owner.last_name
    single = rng.random() < 0.15
    for i in range(1 if single else 2):
        working = rng.random() < 0.85
        employment = rng.choice(("employee", "self_employed")) if working else "job_seeker"
        services.member_save(
            member=Adult(
                household=household, first_name=owner.first_name if i == 0 else rng.choice(FIRST_NAMES),
                last_name=last, birth_date=today - dt.timedelta(days=rng.randint(27 * 365, 45 * 365)),
                employment=employment, weekly_hours=rng.choice((20, 25, 30, 36, 38, 40)) if working else None,
                employer_other="Esempio S.r.l." if employment == "employee" else "",
            ),
            by=None,
        )  # fmt: skip
    children = []
    for _ in range(1 if rng.random() < 0.7 else 2):
        lo, hi = child_ages
        children.append(
            services.member_save(
                member=Child(
                    household=household,
                    first_name=rng.choice(CHILD_NAMES),
                    last_name=last,
                    birth_date=today - dt.timedelta(days=rng.randint(lo, hi)),
                    certified_disability=rng.random() < 0.05,
                ),
                by=None,
            )  # fmt: skip
        )
    services.isee_save(
        household=household, value_cents=rng.randint(400_000, 4_800_000), by=None,
        dsu_number=f"INPS-ISEE-{today.year}-{rng.randint(0, 99_999_999):08d}A-00",
        expires_on=dt.date(today.year, 12, 31) if today.month < 12 else dt.date(today.year + 1, 12, 31),
    )  # fmt: skip
    return household, children


def _plan(network: Network, today: dt.date) -> Plan:
    plan, created = Plan.objects.get_or_create(
        network=network,
        title=f"Piano territoriale per la conciliazione {today.year}-{today.year + 1} – esempio per la demo",
        defaults={"start_year": today.year, "end_year": today.year + 1,
                  "description": "Piano di esempio, inventato per mostrare i bandi per le famiglie."},
    )  # fmt: skip
    if created:
        FundingSource.objects.create(
            plan=plan, kind=FundingKind.REGIONAL, amount_cents=400_000 * EURO, notes="Importo di esempio."
        )
    return plan


def _call(
    *, code: str, title: str, kind: str, plan: Plan, publisher: Organisation, opens: dt.datetime,
    closes: dt.datetime, budget_cents: int, rules: str, summary: str,
) -> Call:  # fmt: skip
    return Call.objects.create(
        code=code, title=title, kind=kind, plan=plan, network=plan.network, publisher=publisher, opens_at=opens,
        closes_at=closes, budget_cents=budget_cents, max_grant_cents=None, rules=rules, summary=summary,
        objections_days=15, is_example=True,
        source="Bando di esempio per la demo: i documenti d'origine citano il progetto C.I.P., non questo bando.",
    )  # fmt: skip


def load(*, force: bool = False, now: dt.datetime | None = None) -> BenefitsResult:
    """Load the two family calls and their households (once: a second run finds them and does nothing)."""
    result = BenefitsResult()
    if present():
        result.skipped = True
        return result
    now = now or clock.now()
    today = clock.today()
    rng = random.Random(SEED)
    network = Network.objects.get(name=NETWORK)
    publisher = Organisation.objects.get(name="Città metropolitana di Milano")
    sesto = Municipality.objects.get(istat_code="015209")
    cinisello = Municipality.objects.get(istat_code="015077")
    nursery = Offer.objects.filter(service__kind=ServiceKind.NIDO, service__municipality=sesto).order_by("pk").first()
    with transaction.atomic():
        first, second = (User.objects.get(username=name) for name in COORDINATORS)  # accounts/demo.py
        plan = _plan(network, today)

        # The nursery place call: closed twenty days ago, ranked, published by two coordinators.
        closes = now - dt.timedelta(days=20)
        places = _call(
            code=PLACES_CODE, title="Posti nido nell'area C.I.P. – esempio", kind=CallKind.FAMILY_PLACES, plan=plan,
            publisher=publisher, opens=closes - dt.timedelta(days=30), closes=closes, budget_cents=0,
            rules=PLACES_RULES,
            summary="Posti al nido per i bambini da 3 a 36 mesi residenti a Sesto San Giovanni o a Cinisello Balsamo.",
        )  # fmt: skip
        FamilyCallTerms.objects.create(call=places, application_unit=ApplicationUnit.CHILD)
        if nursery is not None:
            CallOffer.objects.create(call=places, offer=nursery, places=min(40, nursery.capacity or 40))
        call_transition(call=places, to=CallStatus.OPEN, by=None, now=places.opens_at + dt.timedelta(hours=1))
        family = _user(FAMILY, "Famiglia", "Esempio", password=DEMO_PASSWORD)
        Citizen.objects.get_or_create(user=family, defaults={"email_verified_at": now})  # a citizen's area
        owners = [family] + [
            _user(f"esempio.nido.{i:03d}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for i in range(1, 120)
        ]
        for i, owner in enumerate(owners):
            household, children = _household(
                rng, owner, sesto if i % 3 else cinisello, today=today, child_ages=(120, 900)
            )
            result.households += 1
            at = places.opens_at + dt.timedelta(days=rng.randint(0, 28), minutes=rng.randint(0, 1439))
            child = children[0]
            application = services.application_start(call=places, household=household, child=child, by=None, now=at)
            services.application_set_children(application=application, weeks={child.pk: 0}, by=None, now=at)
            if nursery is not None:
                services.application_set_preferences(application=application, offers=[nursery.pk], by=None, now=at)
            services.application_declare(application=application, declarations=["truthful", "checks", "notice"],
                                         by=None, now=at)  # fmt: skip
            try:
                services.application_submit(application=application, by=None, now=at)
                result.applications += 1
            except ValidationError:  # an example family the rules refuse stays a draft, as in life
                result.drafts += 1
        ranking = services.closing_day(call=places, by=None, now=closes + dt.timedelta(hours=1))
        services.ranking_request(ranking=ranking, by=first, now=closes + dt.timedelta(hours=2))
        services.ranking_approve(ranking=ranking, by=second, now=closes + dt.timedelta(hours=3))
        # The places: offered two days ago; one example family accepted, another refused yesterday, and the
        # seat it gave back went to the next family in the ranking, which has still to answer.
        offered = services.places_offer(call=places, by=first, now=now - dt.timedelta(days=2))
        examples = [p for p in offered if p.application.household.owner_id != family.pk]
        if len(examples) >= 2:
            services.place_answer(place=examples[0], accept=True, by=examples[0].application.household.owner,
                                  now=now - dt.timedelta(days=1))  # fmt: skip
            services.place_answer(place=examples[1], accept=False, by=examples[1].application.household.owner,
                                  now=now - dt.timedelta(days=1, hours=-2))  # fmt: skip
        result.places = len(offered)

        # The voucher call for summer camps: open now, some families have applied already.
        voucher = _call(
            code=VOUCHER_CODE, title="Voucher centri estivi – esempio", kind=CallKind.FAMILY_VOUCHERS, plan=plan,
            publisher=publisher, opens=now - dt.timedelta(days=7), closes=now + dt.timedelta(days=21),
            budget_cents=150_000 * EURO, rules=VOUCHER_RULES,
            summary="90 euro per ogni settimana di centro estivo, fino a 6 settimane per figlio, per le famiglie "
                    "in cui lavorano tutti i genitori.",
        )  # fmt: skip
        FamilyCallTerms.objects.create(
            call=voucher, application_unit=ApplicationUnit.HOUSEHOLD, basis=VoucherBasis.PER_WEEK,
            amount_cents=90 * EURO, max_weeks=6, max_per_child_cents=540 * EURO,
            service_kinds=[ServiceKind.CENTRO_ESTIVO],
        )  # fmt: skip
        call_transition(call=voucher, to=CallStatus.OPEN, by=None, now=voucher.opens_at + dt.timedelta(minutes=5))
        for i in range(1, 81):
            owner = _user(f"esempio.estate.{i:03d}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            household, children = _household(
                rng, owner, sesto if i % 2 else cinisello, today=today, child_ages=(4 * 365, 12 * 365)
            )
            result.households += 1
            at = voucher.opens_at + dt.timedelta(minutes=rng.randint(10, 6 * 24 * 60))
            application = services.application_start(call=voucher, household=household, by=None, now=at)
            weeks = {c.pk: rng.randint(1, 6) for c in children}
            services.application_set_children(application=application, weeks=weeks, by=None, now=at)
            services.application_declare(application=application, declarations=["truthful", "checks", "notice"],
                                         by=None, now=at)  # fmt: skip
            try:
                services.application_submit(application=application, by=None, now=at)
                result.applications += 1
            except ValidationError:  # an example family the rules refuse stays a draft
                result.drafts += 1
        # A spring voucher call, closed a month ago, ranked and published, its vouchers issued: one already spent
        # at the summer camp Il Torpedone (``torpedone``) and waiting for the coordinators' reimbursement;
        # ``famiglia.esempio`` has its voucher (code and QR) in its area.
        spring_closes = now - dt.timedelta(days=30)
        spring = _call(
            code=SPRING_CODE, title="Voucher centri estivi di primavera – esempio", kind=CallKind.FAMILY_VOUCHERS,
            plan=plan, publisher=publisher, opens=spring_closes - dt.timedelta(days=30), closes=spring_closes,
            budget_cents=20_000 * EURO, rules=SPRING_RULES,
            summary="90 euro per ogni settimana di centro estivo, fino a 4 settimane per figlio (bando già assegnato).",
        )  # fmt: skip
        FamilyCallTerms.objects.create(
            call=spring, application_unit=ApplicationUnit.HOUSEHOLD, basis=VoucherBasis.PER_WEEK,
            amount_cents=90 * EURO, max_weeks=4, service_kinds=[ServiceKind.CENTRO_ESTIVO],
        )  # fmt: skip
        call_transition(call=spring, to=CallStatus.OPEN, by=None, now=spring.opens_at + dt.timedelta(minutes=5))
        households = [Household.objects.get(owner=family)]
        for i in range(1, 21):
            owner = _user(f"esempio.primavera.{i:03d}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            household, _children = _household(rng, owner, sesto if i % 2 else cinisello, today=today,
                                               child_ages=(4 * 365, 12 * 365))  # fmt: skip
            households.append(household)
            result.households += 1
        for household in households:
            at = spring.opens_at + dt.timedelta(minutes=rng.randint(10, 20 * 24 * 60))
            application = services.application_start(call=spring, household=household, by=None, now=at)
            weeks = {c.pk: rng.randint(1, 4) for c in household.children.all()}
            services.application_set_children(application=application, weeks=weeks, by=None, now=at)
            services.application_declare(application=application, declarations=["truthful", "checks", "notice"],
                                         by=None, now=at)  # fmt: skip
            services.application_submit(application=application, by=None, now=at)
            result.applications += 1
        ranking = services.closing_day(call=spring, by=None, now=spring_closes + dt.timedelta(hours=1))
        services.ranking_request(ranking=ranking, by=first, now=spring_closes + dt.timedelta(hours=2))
        services.ranking_approve(ranking=ranking, by=second, now=spring_closes + dt.timedelta(hours=3))
        vouchers = services.vouchers_issue(call=spring, by=first, now=spring_closes + dt.timedelta(days=2))
        result.vouchers = len(vouchers)
        camp = Service.objects.filter(kind=ServiceKind.CENTRO_ESTIVO, provider__name="Il Torpedone").first()
        spender = next((v for v in vouchers if v.application.household.owner_id != family.pk), None)
        if camp is not None and spender is not None:
            day = (now - dt.timedelta(days=5)).date()
            services.voucher_redeem(
                code=spender.code, service=camp, amount_cents=min(int(spender.value_cents), 180 * EURO),
                period_start=day - dt.timedelta(days=4), period_end=day, attendance_days=5,
                receipt_number="ESEMPIO-1", by=User.objects.get(username="torpedone"), now=now - dt.timedelta(days=5),
            )  # fmt: skip
    return result


def present() -> bool:
    """Whether the demo's family calls are loaded."""
    return Call.objects.filter(code__in=CODES).exists()


def unload() -> str:
    """Remove the demo's family calls, their applications and rankings, and the example households."""
    from concilia.benefits import models as m
    from concilia.programming.models import CallEvent

    with transaction.atomic():
        calls = list(Call.objects.filter(code__in=CODES))
        m.Redemption.objects.filter(voucher__call__in=calls).delete()
        m.ReimbursementBatch.objects.filter(call__in=calls).delete()
        m.Voucher.objects.filter(call__in=calls).delete()
        m.Place.objects.filter(call__in=calls).delete()
        m.Seat.objects.filter(call_offer__call__in=calls).delete()
        m.Explanation.objects.filter(ranking__call__in=calls).delete()
        m.Objection.objects.filter(ranking__call__in=calls).delete()
        for ranking in m.FamilyRanking.objects.filter(call__in=calls):
            models_delete(ranking)
        m.RankingSnapshot.objects.filter(call__in=calls).delete()
        m.ClosingRun.objects.filter(call__in=calls).delete()
        m.Application.objects.filter(call__in=calls).delete()
        owners = User.objects.filter(username__startswith="esempio.") | User.objects.filter(username=FAMILY)
        m.Household.objects.filter(owner__in=owners).delete()
        CallEvent.objects.filter(call__in=calls).delete()
        for call in calls:
            CallOffer.objects.filter(call=call).delete()
            FamilyCallTerms.objects.filter(call=call).delete()
            call.delete()
        removed = len(calls)
    return f"benefits.demo: {removed} family calls and their example households removed before reloading"


def models_delete(instance: Any) -> None:
    """Delete one row with a plain query (rankings refuse ``delete()`` once computed; the demo's go whole)."""
    type(instance)._default_manager.filter(pk=instance.pk)._raw_delete(instance._state.db)
