"""Reading applications, offers and answers (CSV or JSON) and writing results.

Standard application columns: ``id``, ``submitted_at`` (ISO 8601; without an offset it is read as
Europe/Rome time), ``preferences`` (offer ids separated by ``|``, most wanted first), ``group``
(siblings applying together), ``requested_cents``. Every other column the rules read must be declared
in the call's ``fields:`` with its type; columns not declared are ignored. An empty cell is a missing
value. Offers: ``id``, ``capacity``, ``min_age_months``, ``max_age_months`` plus the call's
``offer_fields:``. Answers: ``id``, ``answer`` (accepted, refused, expired, pending).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from concilia.allocation.rules import Call
from concilia.allocation.types import Answer, Application, Offer
from concilia.allocation.units import parse_money

ROME = ZoneInfo("Europe/Rome")
_TRUE = {"true", "1", "yes", "y", "si", "sì", "s"}
_FALSE = {"false", "0", "no", "n"}
ANSWERS = ("accepted", "refused", "expired", "pending")


class InputError(ValueError):
    """Every problem found in an input file, each naming the row and the column."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


def parse_value(raw: Any, ftype: str) -> Any:
    """Convert a CSV cell (or a JSON value) to the declared type; ``None`` for empty. Raises ValueError."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return None
    if ftype == "string":
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise ValueError(f"{raw!r} is not a text")
        return str(raw)
    if ftype == "integer":
        if isinstance(raw, bool):
            raise ValueError(f"{raw!r} is not an integer")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and _INTEGER.fullmatch(raw):
            return int(raw)
        raise ValueError(f"{raw!r} is not an integer (amounts are whole euro cents, no separators)")
    if ftype == "money":
        return parse_money(raw)
    if ftype == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in _TRUE:
            return True
        if isinstance(raw, str) and raw.lower() in _FALSE:
            return False
        raise ValueError(f"{raw!r} is not a boolean (use true/false)")
    if ftype == "date":
        with contextlib.suppress(ValueError, TypeError):
            return dt.date.fromisoformat(raw)
        raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)")
    if ftype == "datetime":
        value = None
        with contextlib.suppress(ValueError, TypeError):
            value = dt.datetime.fromisoformat(raw)
        if value is None:
            raise ValueError(f"{raw!r} is not a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+01:00)")
        return value if value.tzinfo else rome_time(value, raw)
    raise ValueError(f"unknown type {ftype}")


def rome_time(value: dt.datetime, raw: Any) -> dt.datetime:
    """A wall-clock time without offset, read in Europe/Rome; refused if it does not exist or exists twice.

    On the spring day the clocks jump from 02:00 to 03:00, so 02:30 never happens; on the autumn day they
    go back from 03:00 to 02:00, so 02:30 happens twice. Either way the instant is unknown: the file must
    say it with its offset.
    """
    first, second = value.replace(tzinfo=ROME, fold=0), value.replace(tzinfo=ROME, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(dt.UTC).astimezone(ROME).replace(tzinfo=None)
        if back != value:
            raise ValueError(
                f"{raw!r} does not exist in Europe/Rome (the clocks jumped forward that night): "
                "write the time with its offset, e.g. 2026-03-29T03:30:00+02:00"
            )
        raise ValueError(
            f"{raw!r} happens twice in Europe/Rome (the clocks went back that night): write it with its offset, "
            f"{first.isoformat()} for the first or {second.isoformat()} for the second"
        )
    return first


def _rows(path: Path) -> tuple[list[dict[str, Any]], str]:
    """Rows as dicts and a label for row numbers ('row' counts the header as row 1 in CSV)."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = data.get("applications", data.get("offers", data.get("answers")))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError([f"{path.name}: expected a list of objects"])
        rows = []
        for r in data:
            flat = dict(r)
            nested = flat.pop("fields", None)
            if isinstance(nested, dict):
                flat.update(nested)
            rows.append(flat)
        return rows, "item"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh)), "row"


def _where(path: Path, label: str, index: int, column: str) -> str:
    number = index + 2 if label == "row" else index + 1
    return f"{path.name}: {label} {number}, column '{column}'"


def read_applications(path: str | Path, call: Call) -> list[Application]:
    """Read applications from CSV or JSON, typed by the call's ``fields:``."""
    p = Path(path)
    rows, label = _rows(p)
    errors: list[str] = []
    apps: list[Application] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):

        def get(col: str, ftype: str, required: bool = False, row: dict[str, Any] = row, i: int = i) -> Any:
            try:
                v = parse_value(row.get(col), ftype)
            except ValueError as exc:
                errors.append(f"{_where(p, label, i, col)}: {exc}")
                return None
            if v is None and required:
                errors.append(f"{_where(p, label, i, col)}: a value is required")
            return v

        app_id = get("id", "string", True)
        submitted = get("submitted_at", "datetime", True)
        requested = get("requested_cents", "integer")
        group = get("group", "string")
        prefs_raw = row.get("preferences")
        if isinstance(prefs_raw, list):
            prefs = tuple(str(x) for x in prefs_raw)
        else:
            prefs = tuple(x.strip() for x in str(prefs_raw or "").split("|") if x.strip())
        fields = {name: get(name, ftype) for name, ftype in call.fields.items()}
        if app_id in seen:
            errors.append(f"{_where(p, label, i, 'id')}: duplicate id {app_id!r}")
        seen.add(app_id)
        if app_id is not None and submitted is not None:
            apps.append(
                Application(
                    id=app_id,
                    submitted_at=submitted,
                    fields={k: v for k, v in fields.items() if v is not None},
                    preferences=prefs,
                    group=group,
                    requested_cents=requested,
                )
            )
    if errors:
        raise InputError(errors)
    return apps


def read_offers(path: str | Path, call: Call) -> list[Offer]:
    """Read offers (places mode) from CSV or JSON, typed by the call's ``offer_fields:``."""
    p = Path(path)
    rows, label = _rows(p)
    errors: list[str] = []
    offers: list[Offer] = []
    for i, row in enumerate(rows):
        values: dict[str, Any] = {}
        for col, ftype, required in (
            ("id", "string", True),
            ("capacity", "integer", True),
            ("min_age_months", "integer", False),
            ("max_age_months", "integer", False),
            *((n, t, False) for n, t in call.offer_fields.items()),
        ):
            try:
                values[col] = parse_value(row.get(col), ftype)
            except ValueError as exc:
                errors.append(f"{_where(p, label, i, col)}: {exc}")
                continue
            if values[col] is None and required:
                errors.append(f"{_where(p, label, i, col)}: a value is required")
        if values.get("capacity") is not None and values["capacity"] < 0:
            errors.append(f"{_where(p, label, i, 'capacity')}: must not be negative")
        if values.get("id") is not None and values.get("capacity") is not None:
            offers.append(
                Offer(
                    id=values["id"],
                    capacity=values["capacity"],
                    min_age_months=values.get("min_age_months"),
                    max_age_months=values.get("max_age_months"),
                    fields={n: values[n] for n in call.offer_fields if values.get(n) is not None},
                )
            )
    if errors:
        raise InputError(errors)
    return offers


def read_answers(path: str | Path) -> dict[str, Answer]:
    """Read the families' answers: columns ``id`` and ``answer``."""
    p = Path(path)
    rows, label = _rows(p)
    errors: list[str] = []
    out: dict[str, Answer] = {}
    for i, row in enumerate(rows):
        aid = str(row.get("id") or "").strip()
        ans = str(row.get("answer") or "").strip().lower()
        if not aid:
            errors.append(f"{_where(p, label, i, 'id')}: a value is required")
        if ans not in ANSWERS:
            errors.append(f"{_where(p, label, i, 'answer')}: {ans!r} is not one of {', '.join(ANSWERS)}")
        elif aid:
            out[aid] = cast(Answer, ans)
    if errors:
        raise InputError(errors)
    return out


def read_previous(path: str | Path) -> dict[str, str] | dict[str, int]:
    """What a previous ``ranking.json`` gave: placements (id → offer id) or grants (id → cents)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        entries = data["entries"]
        if data.get("mode") == "places":
            return {str(e["id"]): str(e["offer"]) for e in entries if e.get("offer")}
        grants: dict[str, int] = {}
        for e in entries:
            cents = e.get("granted_cents")
            if cents:
                if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0:
                    raise InputError([f"{p}: entry {e.get('id')!r}: granted_cents must be a whole number of cents"])
                grants[str(e["id"])] = cents
        return grants
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([f"{p}: not a ranking.json written by this program ({exc})"]) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError([f"{p}: not a ranking.json written by this program (missing {exc})"]) from exc


def write_csv(path: Path, header: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows (dicts) as UTF-8 CSV with the given header."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def write_json(path: Path, data: Any) -> None:
    """Write JSON with sorted keys and UTF-8 text, so equal results give equal files."""
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )
