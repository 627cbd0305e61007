"""The demo network register (``concilia load_demo``) built from the five seed documents.

The territory comes from the session fixture ``territory_loaded`` (root ``conftest.py``); the demo
is loaded once for the module inside a transaction that is rolled back at the end, and each test
runs in its own nested transaction (``db``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from stdnum.it import iva

from concilia.core.testing.demo import demo_loaded
from concilia.network import demo
from concilia.network.choices import MembershipRole, OrganisationKind, PartnerRole, SizeClass
from concilia.network.models import (
    Agreement,
    Alliance,
    Contact,
    JoinRequest,
    Membership,
    Network,
    Organisation,
    Partnership,
)
from concilia.network.validators import clean_tax_code, clean_vat_number
from concilia.territory.models import DataLoad

CREMONA = "Rete territoriale per la conciliazione della provincia di Cremona"
MANTOVA = "Rete territoriale per la conciliazione della provincia di Mantova"
VAL_PADANA = "Rete territoriale per la conciliazione dell'ATS Val Padana"
ATS_MILANO = "Rete territoriale per la conciliazione dell'ATS della Città Metropolitana di Milano"
CIP = "C.I.P. – Conciliazione In Pratica"
SEEDS_DIR = Path(os.environ.get("CONCILIA_SEEDS_DIR", Path(__file__).resolve().parents[3].parent / "shared" / "seeds"))

# Every organisation the seeds name (and ASL Mantova, inferred): none of them is an example.
REAL_ORGANISATIONS = {
    "Presidenza del Consiglio dei Ministri – Dipartimento per le Pari Opportunità",
    "ANCI – Associazione Nazionale Comuni Italiani",
    "UPI – Unione delle Province d'Italia",
    "UNCEM – Unione Nazionale Comuni Comunità Enti Montani",
    "Regione Lombardia",
    "Sede Territoriale di Regione Lombardia – Cremona",
    "Città metropolitana di Milano",
    "Comune di Sesto San Giovanni",
    "Ufficio di Piano di Sesto San Giovanni",
    "Comune di Cinisello Balsamo",
    "Comune di Peschiera Borromeo",
    "Distretto Sociale Paullese",
    "A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
    "Rete Adda-Martesana per lo sviluppo di azioni di conciliazione",
    "La Grande Casa",
    "Famiglie e dintorni",
    "Il Torpedone",
    "Coop Lombardia",
    "Xerox Italia",
    "ASL Milano",
    "ASL Milano 1",
    "ATS della Città Metropolitana di Milano",
    "ASST Melegnano e della Martesana",
    "ASL Cremona",
    "ASL Mantova",
    "ATS Val Padana",
    "Provincia di Cremona",
    "Camera di Commercio di Cremona",
    "Consigliera di Parità della Provincia di Cremona",
    "Ambito territoriale di Cremona",
    "Ambito territoriale di Crema",
    "Ambito territoriale di Casalmaggiore",
}


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.LoadResult]:
    """The demo, loaded once for the module on the session's territory; rolled back afterwards."""
    with demo_loaded(django_db_blocker, partial(demo.load, force=True)) as result:
        yield result


@pytest.fixture
def data(loaded: demo.LoadResult, db: None) -> demo.LoadResult:  # db opens the test transaction
    return loaded


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------- Cremona


def test_cremona_network_is_founded_in_2011_by_the_agreement_and_its_signatories(data: demo.LoadResult) -> None:
    # Given the demo is loaded, when we read the Cremona network
    network = Network.objects.get(name=CREMONA)
    # then it is coordinated as seed 003 says
    assert network.coordinator.name == "ASL Cremona"
    assert network.coordinator.health_agency.code == "ASL-CR"
    assert network.co_coordinator.name == "Sede Territoriale di Regione Lombardia – Cremona"
    assert network.co_coordinator.parent.name == "Regione Lombardia"
    assert network.agency.code == "ASL-CR"
    assert network.founded_on.year == 2011
    assert set(network.districts.values_list("code", flat=True)) == {
        "AMBITO-CREMONA",
        "AMBITO-CREMA",
        "AMBITO-CASALMAGGIORE",
    }
    # and founded by the 2011 "Accordo di collaborazione" with the parties seed 003 lists:
    # Regione, ASL, Camera di Commercio, Provincia, the three Ambiti, Consigliera di Parità.
    founding = Agreement.objects.get(network=network, signed_year=2011)
    assert founding.title == "Accordo di collaborazione"
    assert founding.kind == "founding"
    assert set(founding.signatories.values_list("name", flat=True)) == {
        "Regione Lombardia",
        "ASL Cremona",
        "Camera di Commercio di Cremona",
        "Provincia di Cremona",
        "Ambito territoriale di Cremona",
        "Ambito territoriale di Crema",
        "Ambito territoriale di Casalmaggiore",
        "Consigliera di Parità della Provincia di Cremona",
    }
    assert set(founding.signatories.values_list("kind", flat=True)) == {
        OrganisationKind.REGION,
        OrganisationKind.HEALTH_AGENCY,
        OrganisationKind.CHAMBER_OF_COMMERCE,
        OrganisationKind.PROVINCE,
        OrganisationKind.MUNICIPAL_OFFICE,
        OrganisationKind.EQUALITY_ADVISER,
    }
    # each signatory is a member of the network through that agreement
    signed = Membership.objects.filter(network=network, agreement=founding)
    assert set(signed.values_list("organisation__name", flat=True)) == set(
        founding.signatories.values_list("name", flat=True)
    )


def test_cremona_agreement_is_renewed_in_2014(data: demo.LoadResult) -> None:
    renewal = Agreement.objects.get(network__name=CREMONA, signed_year=2014)
    assert renewal.kind == "renewal"
    assert renewal.title == "Accordo di collaborazione territoriale"


def test_cremona_adhesions_are_examples_dated_2011_to_2016(data: demo.LoadResult) -> None:
    adhesions = Membership.objects.filter(network__name=CREMONA, role=MembershipRole.MEMBER)
    assert 8 <= adhesions.count() <= 12
    for membership in adhesions.select_related("organisation"):
        assert membership.organisation.is_example
        assert dt.date(2011, 1, 1) <= membership.joined_on <= dt.date(2016, 12, 31)
    kinds = set(adhesions.values_list("organisation__kind", flat=True))
    assert {OrganisationKind.EMPLOYER_ASSOCIATION, OrganisationKind.TRADE_UNION, OrganisationKind.COMPANY} <= kinds
    assert {OrganisationKind.SOCIAL_COOPERATIVE, OrganisationKind.ASSOCIATION} <= kinds


def test_cremona_and_mantova_merge_into_val_padana_in_2017_with_their_members(data: demo.LoadResult) -> None:
    val_padana = Network.objects.get(name=VAL_PADANA)
    assert val_padana.coordinator.health_agency.code == "ATS-VALPADANA"
    for name in (CREMONA, MANTOVA):
        merged = Network.objects.get(name=name)
        assert merged.merged_into == val_padana
        assert merged.ended_on == dt.date(2017, 1, 1)
        old = Membership.objects.filter(network=merged)
        assert old.exists()
        assert not old.filter(left_on__isnull=True).exists()
        for membership in old.select_related("organisation"):
            ended = membership.organisation.valid_to
            if ended is not None and ended < dt.date(2017, 1, 1):  # the ASL ceased in 2015: nothing to carry over
                assert not Membership.objects.filter(network=val_padana, organisation=membership.organisation).exists()
                continue
            carried = Membership.objects.get(network=val_padana, organisation=membership.organisation)
            assert carried.left_on is None
            assert carried.joined_on == dt.date(2017, 1, 1)
            assert carried.carried_over_from == membership
    assert Network.objects.get(name=MANTOVA).coordinator.name == "ASL Mantova"


# ------------------------------------------------------------------------------------------- Milano


def test_cip_has_its_lead_named_partners_and_40_members_of_which_26_smes(data: demo.LoadResult) -> None:
    cip = Alliance.objects.get(name=CIP)
    assert cip.lead.name == "Città metropolitana di Milano"
    assert cip.network.coordinator.name == "ASL Milano"
    assert cip.formed_on.year == 2014
    assert cip.open_to_new_partners
    assert set(cip.districts.values_list("code", flat=True)) == {"AMBITO-SESTO", "AMBITO-CINISELLO"}
    partners = Organisation.objects.filter(partnerships__alliance=cip, partnerships__left_on__isnull=True)
    names = set(partners.values_list("name", flat=True))
    assert {
        "Comune di Sesto San Giovanni",
        "Comune di Cinisello Balsamo",
        "La Grande Casa",
        "Famiglie e dintorni",
        "Il Torpedone",
    } <= names
    # 40 in all, lead included, as declared
    assert cip.declared_partner_count == 40
    assert partners.count() + 1 == 40
    smes = [org for org in partners if org.is_sme]
    assert len(smes) == 26
    for org in smes:
        assert org.is_example and org.kind == OrganisationKind.COMPANY
        limit = {SizeClass.MICRO: 10, SizeClass.SMALL: 50, SizeClass.MEDIUM: 250}[SizeClass(org.size_class)]
        assert org.employees is not None and org.employees < limit
    assert {org.size_class for org in smes} == {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM}


def test_cip_has_one_pending_example_join_request(data: demo.LoadResult) -> None:
    (request,) = JoinRequest.objects.filter(alliance__name=CIP)
    assert request.status == "pending"
    assert request.organisation.is_example
    assert not Partnership.objects.filter(alliance__name=CIP, organisation=request.organisation).exists()


def test_net_and_co_is_led_by_sesto_with_coop_lombardia_and_xerox_italia(data: demo.LoadResult) -> None:
    alliance = Alliance.objects.get(name="Net & Co")
    assert alliance.lead.name == "Comune di Sesto San Giovanni"
    assert alliance.network.name == "Rete territoriale per la conciliazione dell'ASL Milano"
    assert set(alliance.partnerships.values_list("organisation__name", flat=True)) == {"Coop Lombardia", "Xerox Italia"}
    for name in ("Coop Lombardia", "Xerox Italia"):
        company = _org(name)
        assert company.kind == OrganisationKind.COMPANY
        assert company.size_class == ""  # no public source gives their size
        assert company.tax_code == "" and company.vat_number == ""
    assert "settembre 2015" in alliance.source and "luglio 2016" in alliance.source


def test_governare_gli_equilibri_is_led_by_assemi_with_the_distretto_paullese(data: demo.LoadResult) -> None:
    alliance = Alliance.objects.get(name="Governare gli equilibri")
    assert alliance.lead.name == "A.S.S.E.MI. – Azienda Sociale Sud Est Milano"
    assert alliance.lead.kind == OrganisationKind.SOCIAL_CONSORTIUM
    assert alliance.network.name == ATS_MILANO
    assert alliance.ended_on.year == 2019
    assert not alliance.open_to_new_partners and not alliance.accepts_new_partners  # it ended in 2019
    partnership = alliance.partnerships.get()
    assert partnership.organisation.name == "Distretto Sociale Paullese"
    assert partnership.role == PartnerRole.NETWORK_MEMBER
    assert partnership.organisation.parent.name == "Comune di Peschiera Borromeo"
    assert "DISTRETTO-PAULLESE" in alliance.districts.values_list("code", flat=True)
    contact = Contact.objects.get(organisation=alliance.lead)
    assert contact.email == "comunicazione@assemi.it"


def test_sesto_identifiers_are_the_seed_ones_and_valid(data: demo.LoadResult) -> None:
    sesto = _org("Comune di Sesto San Giovanni")
    assert sesto.tax_code == "02253930156"
    assert sesto.vat_number == "00732210968"
    assert clean_tax_code(sesto.tax_code) == sesto.tax_code
    assert clean_vat_number(sesto.vat_number) == sesto.vat_number
    assert iva.is_valid(sesto.tax_code) and iva.is_valid(sesto.vat_number)
    assert sesto.represents_municipality.istat_code == "015209"
    assert sesto.municipality.istat_code == "015209"
    assert (sesto.address, sesto.postal_code) == ("Piazza della Resistenza, 20", "20099")
    assert Contact.objects.get(organisation=sesto, name="Roberta Perego").role == "Assessore ai servizi alla persona"
    office = _org("Ufficio di Piano di Sesto San Giovanni")
    assert office.parent == sesto and office.kind == OrganisationKind.MUNICIPAL_OFFICE
    assert office.phone == "02 24885289"


def test_health_agency_bodies_are_linked_to_the_territory(data: demo.LoadResult) -> None:
    expected = {
        "ASL Milano": "ASL-MI",
        "ASL Milano 1": "ASL-MI1",
        "ASL Cremona": "ASL-CR",
        "ASL Mantova": "ASL-MN",
        "ATS Val Padana": "ATS-VALPADANA",
        "ATS della Città Metropolitana di Milano": "ATS-MILANO",
        "ASST Melegnano e della Martesana": "ASST-MELEGNANO",
    }
    for name, code in expected.items():
        org = _org(name)
        assert org.kind == OrganisationKind.HEALTH_AGENCY
        assert org.health_agency.code == code


def test_asl_bodies_close_on_2015_12_31_and_ats_asst_open_on_2016_01_01(data: demo.LoadResult) -> None:
    # Given the demo is loaded, the ASL replaced by the 2015 reform are closed, not deleted
    asl_cremona = _org("ASL Cremona")
    assert asl_cremona.valid_to == dt.date(2015, 12, 31)
    assert asl_cremona.valid_from is None
    for name in ("ASL Milano", "ASL Milano 1", "ASL Mantova"):
        assert _org(name).valid_to == dt.date(2015, 12, 31)
    # and the ATS/ASST that replaced them open on 1 January 2016
    val_padana = _org("ATS Val Padana")
    assert val_padana.valid_from == dt.date(2016, 1, 1)
    assert val_padana.valid_to is None
    for name in ("ATS della Città Metropolitana di Milano", "ASST Melegnano e della Martesana"):
        assert _org(name).valid_from == dt.date(2016, 1, 1)
    # each of them cites the reform (L.R. 23/2015) in its source
    for org in Organisation.objects.filter(kind=OrganisationKind.HEALTH_AGENCY):
        assert "L.R. n. 23/2015" in org.source, org.name
    # so on a day in 2015 the ASL is in force and the ATS is not, and the other way round in 2016
    in_2015 = set(Organisation.objects.valid_on(dt.date(2015, 6, 1)).values_list("name", flat=True))
    in_2016 = set(Organisation.objects.valid_on(dt.date(2016, 6, 1)).values_list("name", flat=True))
    assert "ASL Cremona" in in_2015 and "ATS Val Padana" not in in_2015
    assert "ATS Val Padana" in in_2016 and "ASL Cremona" not in in_2016
    # bodies with no dated change stay open-ended
    assert Organisation.objects.filter(valid_from__isnull=False).count() == 3
    assert Organisation.objects.filter(valid_to__isnull=False).count() == 4


def test_citta_metropolitana_is_one_record_already_provincia_di_milano(data: demo.LoadResult) -> None:
    assert not Organisation.objects.filter(name__icontains="Provincia di Milano").exists()
    metro = _org("Città metropolitana di Milano")
    assert metro.description.startswith("Già Provincia di Milano.")
    assert "già Provincia di Milano" in metro.source  # the seed's words
    assert "L. 7 aprile 2014, n. 56" in metro.source
    assert metro.valid_from is None and metro.valid_to is None


def test_district_bodies_are_linked_to_their_district(data: demo.LoadResult) -> None:
    expected = {
        "Ufficio di Piano di Sesto San Giovanni": "AMBITO-SESTO",
        "Ambito territoriale di Cremona": "AMBITO-CREMONA",
        "Ambito territoriale di Crema": "AMBITO-CREMA",
        "Ambito territoriale di Casalmaggiore": "AMBITO-CASALMAGGIORE",
        "Distretto Sociale Paullese": "DISTRETTO-PAULLESE",
        "A.S.S.E.MI. – Azienda Sociale Sud Est Milano": "AMBITO-SUDEST-MI",
        "Esempio – Ufficio di Piano dell'ambito di Mantova": "AMBITO-MANTOVA",
    }
    for name, code in expected.items():
        assert _org(name).district.code == code, name
    sesto = _org("Ufficio di Piano di Sesto San Giovanni").district
    assert sesto.name == "Ambito di Sesto San Giovanni"
    assert sesto.lead.istat_code == "015209"
    # the municipalities themselves are not district bodies
    assert _org("Comune di Sesto San Giovanni").district is None
    assert set(Organisation.objects.filter(district__isnull=False).values_list("name", flat=True)) == set(expected)


# ------------------------------------------------------------------------------------ examples, sources


def test_every_generated_organisation_is_an_example_and_every_real_one_is_not(data: demo.LoadResult) -> None:
    real = set(Organisation.objects.filter(is_example=False).values_list("name", flat=True))
    assert real == REAL_ORGANISATIONS
    examples = Organisation.objects.filter(is_example=True)
    assert examples.count() > 0
    for org in examples:
        assert org.name.startswith(demo.EXAMPLE_PREFIX)
        assert org.tax_code == "" and org.vat_number == ""
    # only Sesto carries identifiers: the seeds print no other
    assert list(Organisation.objects.exclude(tax_code="").values_list("name", flat=True)) == [
        "Comune di Sesto San Giovanni"
    ]


def test_every_record_names_its_seed(data: demo.LoadResult) -> None:
    pattern = re.compile(r"^00\d_[0-9a-f]{16}\.txt: «", re.MULTILINE)
    for model, attribute in (
        (Organisation, "source"),
        (Contact, "source"),
        (Network, "source"),
        (Agreement, "source"),
        (Alliance, "source"),
        (Membership, "notes"),
        (Partnership, "notes"),
    ):
        # memberships carried over by the merge are written by network_merge, not from the YAML
        rows = model.objects.filter(carried_over_from__isnull=True) if model is Membership else model.objects.all()
        for row in rows:
            assert pattern.search(getattr(row, attribute)), f"{model.__name__} {row} has no seed source"


def test_every_quote_is_in_its_seed() -> None:
    assert SEEDS_DIR.is_dir(), f"the seed documents are expected in {SEEDS_DIR} (shared/ beside the checkout)"
    document = yaml.safe_load(demo.DATA_FILE.read_text(encoding="utf-8"))
    seeds = {path.name: _normalise(path.read_text(encoding="utf-8")) for path in SEEDS_DIR.glob("*.txt")}
    quotes: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "seed" in node and "quote" in node:
                quotes.append((node["seed"], node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert quotes
    missing = [(seed, quote) for seed, quote in quotes if _normalise(quote) not in seeds.get(seed, "")]
    assert not missing


# Words that betray an English text; none of them is an Italian word.
ENGLISH_WORDS = re.compile(r"\b(the|with|and|of|which|from|for|by|not|is|are|stands?)\b", re.IGNORECASE)


def _commentary(text: str) -> list[str]:
    """The lines of a source/notes text that are not quotes from a seed."""
    return [line for line in text.splitlines() if not re.match(r"^00\d_[0-9a-f]{16}\.txt: «", line)]


def test_cip_description_is_italian(data: demo.LoadResult) -> None:
    description = Alliance.objects.get(name=CIP).description
    assert "famiglie con figli tra i 3 e i 10 anni" in description
    assert "famiglie" in description
    assert " with " not in description


def test_every_text_users_read_is_italian(data: demo.LoadResult) -> None:
    texts: list[tuple[str, str]] = []
    for model in (Organisation, Network, Alliance):
        texts += [(f"{model.__name__} {row}", row.description) for row in model.objects.all()]
    texts += [(f"Agreement {row}", row.notes) for row in Agreement.objects.all()]
    texts += [(f"JoinRequest {row}", row.message) for row in JoinRequest.objects.all()]
    commentary_of = (
        (Organisation, "source"),
        (Contact, "source"),
        (Network, "source"),
        (Agreement, "source"),
        (Alliance, "source"),
        (Membership, "notes"),
        (Partnership, "notes"),
    )
    for model, attribute in commentary_of:
        for row in model.objects.all():
            for line in _commentary(getattr(row, attribute)):
                # outside the quotes there is only the Italian note (or what network_merge writes)
                if model is Membership and row.carried_over_from_id:
                    continue
                assert line.startswith(demo.NOTE_PREFIX), f"{model.__name__} {row}: {line!r}"
                texts.append((f"{model.__name__} {row}", line))
    assert texts
    english = [(where, text) for where, text in texts if ENGLISH_WORDS.search(text)]
    assert not english


# ------------------------------------------------------------------------------------------ reloading


def _snapshot() -> dict[str, int]:
    models = (Organisation, Contact, Network, Agreement, Membership, Alliance, Partnership, JoinRequest)
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"{model.__name__}.history": model.history.count() for model in models}  # type: ignore[attr-defined]
    return counts


def test_loading_again_changes_nothing(data: demo.LoadResult) -> None:
    before = _snapshot()
    stamp = DataLoad.objects.get(key=demo.DATALOAD_KEY).loaded_at
    # unchanged YAML: skipped, without touching the database
    assert demo.load().skipped
    assert DataLoad.objects.get(key=demo.DATALOAD_KEY).loaded_at == stamp
    # forced: everything is compared, nothing is written
    forced = demo.load(force=True)
    assert not forced.skipped
    assert not [key for key, value in forced.counts.items() if value and not key.endswith(".unchanged")]
    assert _snapshot() == before


def test_loading_again_restores_validity_and_district(data: demo.LoadResult) -> None:
    # Given someone changed the dates and the district of two demo bodies
    Organisation.objects.filter(name="ASL Cremona").update(valid_to=None)
    Organisation.objects.filter(name="Ufficio di Piano di Sesto San Giovanni").update(district=None)
    # when the demo is loaded again
    result = demo.load(force=True)
    # then exactly those two are updated, back to the YAML values
    assert result.counts["organisation.updated"] == 2
    assert _org("ASL Cremona").valid_to == dt.date(2015, 12, 31)
    assert _org("Ufficio di Piano di Sesto San Giovanni").district.code == "AMBITO-SESTO"
    # and a further run writes nothing
    again = demo.load(force=True)
    assert not [key for key, value in again.counts.items() if value and not key.endswith(".unchanged")]


def test_command_reports_each_loader(data: demo.LoadResult) -> None:
    out = StringIO()
    call_command("load_demo", "--only", "network", stdout=out)
    assert "network.demo: unchanged, skipped" in out.getvalue()
    assert "programming.demo" not in out.getvalue()  # only the loaders asked for
    out = StringIO()
    call_command("load_demo", "--only", "network", "--force", stdout=out)
    assert "network.demo: 0 created, 0 updated" in out.getvalue()
    assert "benefits.demo" not in out.getvalue()  # the network's reload leaves the example families alone


def test_first_load_counts(data: demo.LoadResult) -> None:
    counts = data.counts
    assert counts["organisation.created"] == Organisation.objects.count()
    assert counts["network.created"] == 6
    assert counts["alliance.created"] == 5
    assert counts["merge.applied"] == 2
    assert counts["joinrequest.created"] == 1


def test_a_missing_municipality_names_the_record_and_asks_for_the_territory(
    data: demo.LoadResult, tmp_path: Path
) -> None:
    source = tmp_path / "demo.yaml"
    source.write_text(
        yaml.safe_dump(
            {"organisations": [{"name": "Comune che non c'è", "kind": "municipality", "municipality": "999999"}]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    with pytest.raises(demo.DemoLoadError) as error:
        demo.load(path=source, force=True)
    message = str(error.value)
    assert "Comune che non c'è" in message
    assert "999999" in message
    assert "concilia load_territory" in message


def test_an_empty_territory_asks_for_load_territory(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo.Municipality.objects, "exists", lambda: False)
    with pytest.raises(demo.DemoLoadError, match="load_territory"):
        demo.load(force=True)
