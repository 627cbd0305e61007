"""Demo accounts, one per role, so a new user can try every face of the platform after ``make run``.

They act for organisations and networks of the seed data (``network/data/demo.yaml``). The passwords
are public (README) and meant for a local demo only; ``load_demo`` is never run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from concilia.accounts.choices import Role
from concilia.accounts.models import RoleAssignment, User
from concilia.network.models import Network, Organisation

DEMO_PASSWORD = "concilia-demo"
ADMIN_PASSWORD = "concilia-admin"

# (username, first name, last name, [(role, network name or None, organisation name or None)])
ACCOUNTS: list[tuple[str, str, str, list[tuple[Role, str | None, str | None]]]] = [
    ("admin", "Amministratore", "Piattaforma", [(Role.PLATFORM_ADMIN, None, None)]),
    (
        "coordinatore.cremona",
        "Coordinatore",
        "ATS Val Padana",
        [
            (Role.NETWORK_COORDINATOR, "Rete territoriale per la conciliazione della provincia di Cremona", None),
            (Role.NETWORK_COORDINATOR, "Rete territoriale per la conciliazione dell'ATS Val Padana", None),
        ],
    ),
    ("capofila.cip", "Capofila", "C.I.P.", [(Role.ALLIANCE_LEAD, None, "Città metropolitana di Milano")]),
    ("capofila.sesto", "Capofila", "Net & Co", [(Role.ALLIANCE_LEAD, None, "Comune di Sesto San Giovanni")]),
    ("assemi", "Capofila", "A.S.S.E.MI.", [(Role.ALLIANCE_LEAD, None, "A.S.S.E.MI. – Azienda Sociale Sud Est Milano")]),
    ("famiglie.dintorni", "Referente", "Famiglie e dintorni", [(Role.SERVICE_PROVIDER, None, "Famiglie e dintorni")]),
    # Issue 17. The municipal nursery of the demo's place call (services/data/demo.yaml, an example) confirms the
    # enrolment of the children whose families accepted its places.
    ("nido.sesto", "Nido", "Sesto San Giovanni", [(Role.SERVICE_PROVIDER, None, "Comune di Sesto San Giovanni")]),
    # ... and the summer camp Il Torpedone (an example too) redeems the vouchers of the demo's spring voucher call.
    ("torpedone", "Referente", "Il Torpedone", [(Role.SERVICE_PROVIDER, None, "Il Torpedone")]),
    # The worked example call of the ATS Val Padana network (programming/data/demo.yaml): the lead of
    # an example alliance of that network, who completes and submits its draft proposal, and an
    # evaluator, who needs no role (the call's Evaluator row, made by the programming demo, is enough).
    (
        "capofila.valpadana",
        "Capofila",
        "Esempio Casalasco",
        [(Role.ALLIANCE_LEAD, None, "Esempio – Azienda pubblica di servizi alla persona del Casalasco")],
    ),
    ("valutatore", "Valutatore", "Esempio", []),
    # Issue 16. The family calls of the demo (benefits/demo.py) belong to the Milan ATS network: publishing
    # a ranking takes two people, one who asks and one who approves. Examples, like the calls.
    (
        "coordinatore.milano",
        "Coordinatore",
        "ATS Milano",
        [
            (
                Role.NETWORK_COORDINATOR,
                "Rete territoriale per la conciliazione dell'ATS della Città Metropolitana di Milano",
                None,
            )
        ],
    ),
    (
        "coordinatrice.milano",
        "Coordinatrice",
        "ATS Milano",
        [
            (
                Role.NETWORK_COORDINATOR,
                "Rete territoriale per la conciliazione dell'ATS della Città Metropolitana di Milano",
                None,
            )
        ],
    ),
    # Issue 6. The seeds say the Cremona network's plan left a provincial babysitter registry and a
    # network of family–work help desks still active (seeds/003) but not who keeps them today: the
    # keepers below are examples. Coop Lombardia is a Net & Co partner company (seeds/001).
    (
        "operatore.babysitter",
        "Operatore",
        "Elenco babysitter",
        [(Role.REGISTRY_OPERATOR, None, "ATS Val Padana")],
    ),
    (
        "operatore.sportello",
        "Operatore",
        "Sportello Famiglia-Lavoro",
        [(Role.DESK_OPERATOR, None, "Ambito territoriale di Cremona")],
    ),
    ("hr.coop", "Risorse umane", "Coop Lombardia", [(Role.COMPANY_HR, None, "Coop Lombardia")]),
]


@dataclass
class AccountsResult:
    created: int
    existing: int

    def __str__(self) -> str:
        return f"accounts.demo: {self.created} demo accounts created, {self.existing} already present"


def load(*, force: bool = False) -> AccountsResult:
    """Create the demo accounts and their roles if missing (never resets an existing password)."""
    created = existing = 0
    with transaction.atomic():
        for username, first, last, roles in ACCOUNTS:
            user, is_new = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if is_new:
                user.set_password(ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD)
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
                created += 1
            else:
                existing += 1
            for role, network_name, org_name in roles:
                RoleAssignment.objects.get_or_create(
                    user=user,
                    role=role,
                    network=Network.objects.get(name=network_name) if network_name else None,
                    organisation=Organisation.objects.get(name=org_name) if org_name else None,
                )
    return AccountsResult(created, existing)
