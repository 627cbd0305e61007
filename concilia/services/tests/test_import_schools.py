"""``concilia import_schools``: the Ministry's registry of paritarie scuole dell'infanzia (real files, real database)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from concilia.network.models import Organisation
from concilia.services import importers
from concilia.services.models import Authorisation, OpeningHours, Service
from concilia.services.selectors import distance_km
from concilia.territory.models import Municipality

MIM_DIR = Path(django_settings.CONCILIA_MIM_DIR)
needs_mim = pytest.mark.skipif(not MIM_DIR.is_dir(), reason=f"the Ministry's files are not in {MIM_DIR}")
MERGED = {"CO1A12800P": "H521", "VA1A102008": "E856", "VA1ABM5000": "A645", "CO1A09600C": "L487"}


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """The tests match the English messages; the interface default is Italian."""
    with translation.override("en"):
        yield


@pytest.fixture
def reports(settings: Any, tmp_path: Path) -> Path:
    """Reports go to a temporary CONCILIA_DATA_DIR."""
    settings.DATA_DIR = tmp_path
    return tmp_path / "reports"


def _import(*args: str) -> str:
    out = io.StringIO()
    call_command("import_schools", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, object]:
    return {
        "organisations": list(Organisation.objects.order_by("pk").values_list("pk", "updated_at")),
        "authorisations": list(Authorisation.objects.order_by("pk").values_list("pk", "updated_at")),
        "services": list(Service.objects.order_by("pk").values_list("pk", "updated_at")),
        "hours": list(OpeningHours.objects.order_by("pk").values_list("pk", "updated_at")),
        "history": (
            Organisation.history.count(),
            Authorisation.history.count(),
            Service.history.count(),
            OpeningHours.history.count(),
        ),
    }


# ------------------------------------------------------------------------------------ reading, text


@needs_mim
def test_registry_has_1670_lombardy_paritarie_scuole_infanzia() -> None:
    # given the Ministry's registry of 2023/24, when read
    registry = importers.read_registry(MIM_DIR / importers.REGISTRY_FILE)
    # then every row is read and exactly the 1,670 non-state scuole dell'infanzia of Lombardy are selected
    assert registry.rows_read == 11870
    assert len(registry.schools) == 1670
    assert len({school.code for school in registry.schools}) == 1670
    # and the accented names survive (the file is UTF-8)
    assert any("Mére Susanne" in school.name for school in registry.schools)
    # and most have their pupils of 2024/25
    enrolment = importers.read_enrolment(MIM_DIR / importers.ENROLMENT_FILE, [s.code for s in registry.schools])
    assert len(enrolment) == 1670 - 45


@pytest.mark.parametrize(
    ("written", "readable"),
    [
        (
            "ASILO INFANTILE DI FAGNANO OLONA - ENTE DEL TERZO SETTORE",
            "Asilo Infantile di Fagnano Olona - Ente del Terzo Settore",
        ),
        ('SCUOLA MATERNA "DEL SANTO BAMBINO GESU\'"', 'Scuola Materna "Del Santo Bambino Gesù"'),
        ('ASILO INFANTILE "SAN PANTALEONE "', 'Asilo Infantile "San Pantaleone"'),
        ('ASILO INFANTILE"PAPA GIOVANNI XXIII""', 'Asilo Infantile "Papa Giovanni XXIII"'),
        ('SC.MAT.NON STAT."VEDANI CITTA\'DI ANGERA"', 'Scuola Materna Non Statale "Vedani Città di Angera"'),
        ('SCUOLA DELL\'INFANZIA "PAOLO VI" -BOLLATE', 'Scuola dell\'Infanzia "Paolo VI" - Bollate'),
        (
            'SCUOLA DELL\'INFANZIA "ASILO INFANTILE FILIPPO ARGENTI ETS"',
            'Scuola dell\'Infanzia "Asilo Infantile Filippo Argenti ETS"',
        ),
        ("FONDAZIONE ASILO INFANTILE SS. REDENTORE", "Fondazione Asilo Infantile SS. Redentore"),
        ("SCUOLA DELL'INFANZIA G. COCCONI CERVI", "Scuola dell'Infanzia G. Cocconi Cervi"),
        ("Il Girasole di Frà Cooperativa Sociale", "Il Girasole di Frà Cooperativa Sociale"),
        ('Scuola dell\'infanzia "COLLEGIO VERGINI"', 'Scuola dell\'infanzia "Collegio Vergini"'),
        ("VIA IV NOVEMBREN.4", "Via IV Novembre n. 4"),
        ("VIA ROMA21", "Via Roma 21"),
        ("P.ZZA SANT'ANTONIO4", "P.zza Sant'Antonio 4"),
        ("VIA COSTA17/A", "Via Costa 17/A"),
    ],
)
def test_names_and_addresses_are_made_readable(written: str, readable: str) -> None:
    assert importers.readable(written) == readable


def test_contacts_are_cleaned() -> None:
    assert importers.clean_email("SM.BAMBINOGESU@TISCALI.IT") == ("sm.bambinogesu@tiscali.it", False)
    assert importers.clean_email("Non Disponibile") == ("", False)
    assert importers.clean_email("simatteucci@.pec.it") == ("", True)
    assert importers.clean_website("WWW.ABETEVOGHERA.COM") == ("https://www.abetevoghera.com", False)
    assert importers.clean_website("https//www.scuolamaternasaporiti.it/") == (
        "https://www.scuolamaternasaporiti.it/",
        False,
    )
    assert importers.clean_website("http// scuolamaternasanmacario.it") == ("http://scuolamaternasanmacario.it", False)
    assert importers.clean_website("0") == ("", True)
    assert importers.clean_website("Non Disponibile") == ("", False)


# ------------------------------------------------------------------------------------- the command


@needs_mim
def test_import_creates_schools_near_sesto_with_capacity(territory_loaded: None, db: None, reports: Path) -> None:
    # when the registry is imported
    output = _import()
    # then the summary gives the figures
    assert (
        "Schools: 11870 rows read, 1670 selected; 1670 imported, 0 updated, 0 unchanged, 4 reported "
        "(4 moved to successor, 0 not imported)." in output
    )
    services = Service.objects.filter(kind="scuola_infanzia")
    assert services.count() == 1670
    # and there are schools with places near Sesto San Giovanni, located at their municipality's point
    sesto = Municipality.objects.current().get(name="Sesto San Giovanni")
    assert sesto.latitude is not None and sesto.longitude is not None
    near = [
        s
        for s in services.select_related("municipality")
        if s.latitude is not None and distance_km(sesto.latitude, sesto.longitude, s.latitude, s.longitude) <= 5
    ]
    assert len(near) >= 15
    assert len({s.municipality.name for s in near}) >= 3  # Sesto, Cinisello Balsamo, Cologno Monzese…
    in_sesto = services.filter(municipality=sesto)
    assert in_sesto.count() >= 5
    school = in_sesto.filter(capacity__isnull=False).order_by("external_code").first()
    assert school is not None and school.capacity > 0
    assert "2024/25" in school.capacity_note
    assert (school.latitude, school.longitude) == (sesto.latitude, sesto.longitude)
    assert school.location_precision == "municipality"
    assert (school.min_age_months, school.max_age_months) == (36, 72)
    assert school.hours_are_estimated
    assert sorted(school.opening_hours.values_list("weekday", "opens", "closes")) == [
        (day, dt.time(8), dt.time(16)) for day in range(5)
    ]
    # and the provider is a school with its parity and the Ministry's open data as source
    provider = school.provider
    assert provider.kind == "school" and provider.sector == "public"
    assert provider.municipality == sesto and provider.name == school.name
    assert "CC BY 4.0" in provider.source and school.external_code in provider.source
    assert school.authorisation is not None and school.authorisation.kind == "parity"
    assert school.authorisation.organisation == provider
    # and the history records each creation
    assert school.history.count() == 1 and provider.history.count() == 1
    # and schools missing from the 2024/25 figures have no capacity, rather than a made-up one
    assert services.filter(capacity__isnull=True).count() == 45
    assert not services.filter(capacity__isnull=True).exclude(capacity_note="").exists()


# The successors of the municipalities merged in 2024 (ISTAT variations; territory.loaders.MERGED_MUNICIPALITIES):
# Ronago and Uggiate-Trevano → Uggiate con Ronago (M435); Malgesso and Bardello → Bardello con Malgesso e Bregano (M433).
SUCCESSOR = {"H521": "M435", "L487": "M435", "E856": "M433", "A645": "M433"}


@needs_mim
def test_merged_municipalities_move_to_their_successors_and_are_reported(
    territory_loaded: None, db: None, reports: Path
) -> None:
    # when the registry is imported
    output = _import()
    # then each row of a municipality merged in 2024 is imported under its successor, and said so
    for code, cadastral in MERGED.items():
        line = next(line for line in output.splitlines() if line.startswith(code))
        successor = Municipality.objects.current().get(cadastral_code=SUCCESSOR[cadastral])
        assert f"{cadastral}): moved to successor {successor.name}." in line
        assert Service.objects.get(external_code=code).municipality == successor
    assert "(L487) is no longer a municipality; imported under its successor." in output
    # and in the CSV report, with the values left out of other rows
    with (reports / "import_schools.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    moved = {row["school code"]: row for row in rows if row["outcome"] == "moved to successor"}
    assert {code: row["cadastral code"] for code, row in moved.items()} == MERGED
    assert all(row["reason"] and row["successor"] for row in moved.values())
    assert sum(row["outcome"] == "imported, a value left out" for row in rows) == 9


@needs_mim
def test_successor_given_overrides_the_known_one(territory_loaded: None, db: None, reports: Path) -> None:
    # given another successor for Ronago (Como, C933), as an administrator may decide
    como = Municipality.objects.current().get(cadastral_code="C933")
    # when the registry is imported with it
    output = _import("--successor", "h521=c933")
    # then Ronago's school goes there and the others to their known successors
    assert Service.objects.get(external_code="CO1A12800P").municipality == como
    assert Service.objects.get(external_code="CO1A09600C").municipality.cadastral_code == "M435"
    assert "CO1A12800P" in output and "moved to successor Como" in output
    assert "1670 imported, 0 updated, 0 unchanged, 4 reported (4 moved to successor, 0 not imported)" in output
    # and a successor that is not a current municipality is refused
    with pytest.raises(CommandError, match="Z999 given for H521 is not the cadastral code of a current municipality"):
        _import("--successor", "H521=Z999")
    with pytest.raises(CommandError, match="is not OLD=NEW"):
        _import("--successor", "Ronago")


@needs_mim
def test_second_run_changes_nothing(territory_loaded: None, db: None, reports: Path) -> None:
    # given the registry imported once
    _import()
    before = _snapshot()
    # when imported again
    output = _import()
    # then every school is unchanged and no row (nor history) was written
    assert "0 imported, 0 updated, 1670 unchanged, 4 reported" in output
    assert _snapshot() == before


@needs_mim
def test_hand_improvements_are_kept_and_registry_changes_applied(
    territory_loaded: None, db: None, reports: Path, tmp_path: Path
) -> None:
    # given the registry imported, then a school located at its address and given its real hours
    _import()
    school = Service.objects.get(external_code="MI1A514004")
    school.latitude, school.longitude, school.location_precision = 45.5401, 9.2302, "address"
    school.hours_are_estimated = False
    school.save()
    school.opening_hours.all().delete()
    OpeningHours.objects.create(service=school, weekday=0, opens=dt.time(7, 30), closes=dt.time(17, 30))
    # and a newer registry where another school changed its name
    source = tmp_path / "mim"
    source.mkdir()
    shutil.copy(MIM_DIR / importers.ENROLMENT_FILE, source)
    text = (MIM_DIR / importers.REGISTRY_FILE).read_text(encoding="utf-8")
    assert text.count("ASILO INFANTILE DI FAGNANO OLONA") == 1
    (source / importers.REGISTRY_FILE).write_text(
        text.replace("ASILO INFANTILE DI FAGNANO OLONA", "ASILO INFANTILE DI FAGNANO"), encoding="utf-8"
    )
    # when imported again
    output = _import("--dir", str(source))
    # then the renamed school is updated (with its history) and the improvements are kept
    assert "0 imported, 1 updated, 1669 unchanged" in output
    renamed = Service.objects.get(external_code="VA1A06500E")
    assert renamed.name == "Asilo Infantile di Fagnano - Ente del Terzo Settore"
    assert renamed.provider.name == renamed.name
    assert renamed.history.count() == 2 and renamed.provider.history.count() == 2
    school.refresh_from_db()
    assert (school.latitude, school.longitude, school.location_precision) == (45.5401, 9.2302, "address")
    assert list(school.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, dt.time(7, 30), dt.time(17, 30))
    ]


@needs_mim
@pytest.mark.parametrize(
    ("file", "damage", "message"),
    [
        (
            importers.REGISTRY_FILE,
            lambda text: text.replace("VA1A06500E,ASILO INFANTILE DI FAGNANO OLONA", "VA1A06500E,ASILO, INFANTILE"),
            r"SCUANAGRAFEPAR20232420230901\.csv, line 2: 15 fields instead of 14",
        ),
        (
            importers.REGISTRY_FILE,
            lambda text: text.replace("BS1A19200Q", "BS-192"),
            r"SCUANAGRAFEPAR20232420230901\.csv, line 6: CODICESCUOLA 'BS-192' is not a school code",
        ),
        (
            importers.REGISTRY_FILE,
            lambda text: text.replace("CODICECOMUNESCUOLA", "COMUNE"),
            r"SCUANAGRAFEPAR20232420230901\.csv, line 1: missing columns CODICECOMUNESCUOLA",
        ),
        (
            importers.ENROLMENT_FILE,
            lambda text: text.replace("\nVA1A06500E,", "\nVA1A06500E,tanti", 1),
            r"dati_scuole_20242025\.csv, line \d+: NUMEROSTUDENTI 'tanti\d*' is not a whole number",
        ),
    ],
)
def test_broken_file_changes_nothing(
    territory_loaded: None, db: None, reports: Path, tmp_path: Path, file: str, damage: Any, message: str
) -> None:
    # given the registry imported once, and a copy of the files with one of them damaged
    _import()
    source = tmp_path / "mim"
    shutil.copytree(MIM_DIR, source)
    text = (source / file).read_text(encoding="utf-8")
    damaged = damage(text)
    assert damaged != text
    (source / file).write_text(damaged, encoding="utf-8")
    Service.objects.filter(external_code="VA1A06500E").update(name="Renamed by hand")
    before = _snapshot()
    # when imported, then the command fails naming the file, the line and the problem, and nothing changes
    with pytest.raises(CommandError, match=message):
        _import("--dir", str(source))
    assert _snapshot() == before
    assert Service.objects.get(external_code="VA1A06500E").name == "Renamed by hand"


def test_missing_directory_is_an_error_for_the_command_and_a_warning_for_setup(
    territory_loaded: None, db: None, settings: Any, tmp_path: Path
) -> None:
    # given no Ministry files where the setting points
    settings.CONCILIA_MIM_DIR = tmp_path / "nowhere"
    # then the import fails naming the file
    with pytest.raises(CommandError, match=r"nowhere/SCUANAGRAFEPAR20232420230901\.csv"):
        _import()
    # and setup only warns, in one line
    out = io.StringIO()
    call_command("setup", "--no-demo", stdout=out)
    warnings = [line for line in out.getvalue().splitlines() if "school registry" in line]
    assert warnings == [
        f"Ministry school registry not found in {tmp_path / 'nowhere'}: schools not imported (see CONCILIA_MIM_DIR)."
    ]
