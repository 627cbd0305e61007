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
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from concilia.allocation.rules import Call, ListField
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


def parse_list(raw: Any, spec: ListField) -> list[dict[str, Any]] | None:
    """A list field's items: a JSON list of objects, or in a CSV cell the items separated by ``|``, each
    item's values separated by ``;`` in the order the call declares them (``2016-01-01;no|2019-05-02;sì``),
    or the same JSON list. More items than ``max_items`` is an error, never a silent cut."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    names = list(spec.item_fields)
    if isinstance(raw, str) and raw.lstrip().startswith("["):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not a JSON list ({exc.msg})") from exc
    if isinstance(raw, str):
        items: list[Any] = []
        for n, chunk in enumerate(raw.split("|"), start=1):
            values = chunk.split(";")
            if len(values) != len(names):
                raise ValueError(f"item {n} has {len(values)} value(s), expected {len(names)} ({';'.join(names)})")
            items.append(dict(zip(names, values, strict=True)))
    elif isinstance(raw, list) and all(isinstance(x, dict) for x in raw):
        items = raw
    else:
        raise ValueError("expected a list of items")
    if len(items) > spec.max_items:
        raise ValueError(f"{len(items)} items, more than the {spec.max_items} the call allows")
    out = []
    for n, item in enumerate(items, start=1):
        unknown = sorted(set(item) - set(names))
        if unknown:
            raise ValueError(f"item {n}: unknown field(s) {', '.join(unknown)} (expected {', '.join(names)})")
        parsed = {}
        for name in names:
            try:
                v = parse_value(item.get(name), spec.item_fields[name])
            except ValueError as exc:
                raise ValueError(f"item {n}, {name}: {exc}") from exc
            if v is not None:
                parsed[name] = v
        out.append(parsed)
    return out


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
        return _json_rows(path), "item"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh)), "row"


def _json_rows(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON input file, each with its nested ``fields`` merged in."""
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
    return rows


def _cells(path: Path, columns: Sequence[str]) -> tuple[Iterator[tuple[Any, ...]], str]:
    """Row by row, the cells of ``columns`` (in that order), and the label for row numbers.

    A CSV file is read as lists (no dict per row): the header gives each column's index, a missing
    column or a short row gives empty cells, blank lines are skipped — as ``csv.DictReader`` did, so
    row numbers stay the same. JSON values are passed as they are (``None`` when a key is absent).
    """
    if path.suffix.lower() == ".json":
        rows = _json_rows(path)
        return (tuple([r.get(c) for c in columns]) for r in rows), "item"
    return _csv_cells(path, columns), "row"


def _csv_cells(path: Path, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        index = {name: i for i, name in enumerate(header)}  # a repeated name: the last one, as DictReader
        pick = itemgetter(*[index.get(c, width) for c in columns], width)  # index ``width``: an empty cell
        pad = [""] * (width + 1)
        for row in reader:
            n = len(row)
            if n == width:
                row.append("")
            elif n == 0:
                continue
            elif n < width:
                row.extend(pad[n:])
            else:
                row = [*row[:width], ""]
            yield pick(row)


# One parser per declared column. A CSV cell is always a string: these take the common spellings
# directly and hand anything else (surrounding spaces, other spellings, errors) to ``parse_value``,
# so the values and the error messages are the same as ``parse_value``'s.
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_date_from_iso = dt.date.fromisoformat
_datetime_from_iso = dt.datetime.fromisoformat


def _csv_string(raw: str) -> str | None:
    return raw.strip() or None


def _csv_integer(raw: str) -> Any:
    if raw.isdecimal():
        return int(raw)
    return parse_value(raw, "integer") if raw else None


def _csv_boolean(raw: str) -> Any:
    value = _BOOLEANS.get(raw)
    if value is None:
        return parse_value(raw, "boolean") if raw else None
    return value


def _csv_date(raw: str) -> Any:
    if not raw:
        return None
    try:
        return _date_from_iso(raw)
    except ValueError:
        return parse_value(raw, "date")


def _csv_datetime(raw: str) -> Any:
    if not raw:
        return None
    try:
        value = _datetime_from_iso(raw)
    except ValueError:
        return parse_value(raw, "datetime")
    return value if value.tzinfo is not None else parse_value(raw, "datetime")


_CSV_PARSERS: dict[str, Callable[[str], Any]] = {
    "string": _csv_string,
    "integer": _csv_integer,
    "boolean": _csv_boolean,
    "date": _csv_date,
    "datetime": _csv_datetime,
}


def _parser(ftype: str, label: str) -> Callable[[Any], Any]:
    """The parser of a column of ``ftype``: a CSV fast path if there is one, else ``parse_value``."""
    if label == "row" and ftype in _CSV_PARSERS:
        return _CSV_PARSERS[ftype]
    return partial(parse_value, ftype=ftype)


def _preferences(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(str(x) for x in raw)
    if isinstance(raw, str):
        prefs = tuple(map(str.strip, raw.split("|")))
        return tuple(x for x in prefs if x) if "" in prefs else prefs
    return tuple(x.strip() for x in str(raw or "").split("|") if x.strip())


def _where(path: Path, label: str, index: int, column: str) -> str:
    number = index + 2 if label == "row" else index + 1
    return f"{path.name}: {label} {number}, column '{column}'"


def _careful(
    path: Path, label: str, i: int, specs: Sequence[tuple[str, Callable[[Any], Any], bool]], cells: Sequence[Any]
) -> tuple[list[Any], list[str]]:
    """One row's values, column by column, and every problem found, each naming the row and the column."""
    values: list[Any] = []
    errors: list[str] = []
    for (col, parse, required), raw in zip(specs, cells, strict=False):
        try:
            v = parse(raw)
        except ValueError as exc:
            errors.append(f"{_where(path, label, i, col)}: {exc}")
            v = None
        else:
            if v is None and required:
                errors.append(f"{_where(path, label, i, col)}: a value is required")
        values.append(v)
    return values, errors


_APPLICATION_COLUMNS = (("id", "string", True), ("submitted_at", "datetime", True),
                        ("requested_cents", "integer", False), ("group", "string", False))  # fmt: skip


def read_applications(path: str | Path, call: Call) -> list[Application]:
    """Read applications from CSV or JSON, typed by the call's ``fields:``.

    Each row is parsed once, straight into its :class:`Application`; only a row with a problem is
    parsed again, column by column, to report every problem in it.
    """
    p = Path(path)
    names = list(call.fields)
    columns = [c for c, _, _ in _APPLICATION_COLUMNS]
    rows, label = _cells(p, [*columns, "preferences", *names])
    specs = [(c, _parser(t, label), r) for c, t, r in _APPLICATION_COLUMNS]
    specs += [
        (name, partial(parse_list, spec=call.list_fields[name]) if ftype == "list" else _parser(ftype, label), False)
        for name, ftype in call.fields.items()
    ]
    parse_id, parse_submitted, parse_requested, parse_group = (s[1] for s in specs[:4])
    named_parsers = [(name, parse) for name, parse, _ in specs[4:]]
    errors: list[str] = []
    apps: list[Application] = []
    seen: set[str] = set()
    for i, cells in enumerate(rows):
        try:
            app_id = parse_id(cells[0])
            submitted = parse_submitted(cells[1])
            requested = parse_requested(cells[2])
            group = parse_group(cells[3])
            fields = {}
            for (name, parse), raw in zip(named_parsers, cells[5:], strict=False):
                v = parse(raw)
                if v is not None:
                    fields[name] = v
            ok = app_id is not None and submitted is not None
        except ValueError:
            ok = False
        if not ok:
            values, problems = _careful(p, label, i, specs, (*cells[:4], *cells[5:]))
            errors += problems
            app_id, submitted, requested, group = values[:4]
            fields = {name: v for name, v in zip(names, values[4:], strict=True) if v is not None}
        if app_id in seen:
            errors.append(f"{_where(p, label, i, 'id')}: duplicate id {app_id!r}")
        seen.add(app_id)
        if app_id is not None and submitted is not None:
            apps.append(
                Application(
                    id=app_id,
                    submitted_at=submitted,
                    fields=fields,
                    preferences=_preferences(cells[4]),
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
    columns = [("id", "string", True), ("capacity", "integer", True), ("min_age_months", "integer", False),
               ("max_age_months", "integer", False), *((n, t, False) for n, t in call.offer_fields.items())]  # fmt: skip
    rows, label = _cells(p, [c for c, _, _ in columns])
    specs = [(c, _parser(t, label), r) for c, t, r in columns]
    errors: list[str] = []
    offers: list[Offer] = []
    for i, cells in enumerate(rows):
        values, problems = _careful(p, label, i, specs, cells)
        errors += problems
        oid, capacity, min_age, max_age = values[:4]
        if capacity is not None and capacity < 0:
            errors.append(f"{_where(p, label, i, 'capacity')}: must not be negative")
        if oid is not None and capacity is not None:
            offers.append(
                Offer(
                    id=oid,
                    capacity=capacity,
                    min_age_months=min_age,
                    max_age_months=max_age,
                    fields={n: v for n, v in zip(call.offer_fields, values[4:], strict=True) if v is not None},
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


def write_csv_rows(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows (sequences in the header's order) as UTF-8 CSV: the same bytes as :func:`write_csv`."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_json(path: Path, data: Any) -> None:
    """Write JSON with sorted keys and UTF-8 text, so equal results give equal files.

    The bytes are those of ``json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True,
    default=str) + "\n"``, written piece by piece instead of as one string (with ``indent``, ``json``
    uses its pure-Python encoder; this one takes the C string encoder for every string). An iterator
    (e.g. a generator) is written as a list, item by item, so a long list need not exist in memory.
    """
    with path.open("w", encoding="utf-8") as fh:
        out: list[str] = []

        def flush() -> None:
            fh.write("".join(out))
            out.clear()

        _encode(data, 0, out, flush)
        out.append("\n")
        flush()


def dumps_indented(data: Any) -> str:
    """The text :func:`write_json` writes (without its final newline)."""
    out: list[str] = []
    _encode(data, 0, out, lambda: None)
    return "".join(out)


_encode_string = cast(Callable[[str], str], json.encoder.encode_basestring)  # the C one when available
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _encode_string,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda _: "null",
}
"""Exact types written without recursion (subclasses go the general way, as in ``json``)."""
_FLUSH_EVERY = 1 << 14
"""Pieces gathered before they are written to the file."""


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == math.inf:
        return "Infinity"
    if o == -math.inf:
        return "-Infinity"
    return float.__repr__(o)


def _key(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, float):
        return _float(k)
    if k is True:
        return "true"
    if k is False:
        return "false"
    if k is None:
        return "null"
    if isinstance(k, int):
        return int.__repr__(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


def _encode(o: Any, level: int, out: list[str], flush: Callable[[], None]) -> None:
    """Append the pieces of ``o`` as ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False,
    default=str)`` writes it at nesting ``level``; call ``flush`` now and then along a long list."""
    t = type(o)
    if t is str:
        out.append(_encode_string(o))
    elif t is int:
        out.append(int.__repr__(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        inner = "\n" + "  " * (level + 1)
        head = "{" + inner
        for k, v in sorted(o.items()):
            head += _encode_string(k if type(k) is str else _key(k)) + ": "
            scalar = _SCALARS.get(type(v))
            if scalar is not None:  # the common case, without a call per value
                out.append(head + scalar(v))
            else:
                out.append(head)
                _encode(v, level + 1, out, flush)
            head = "," + inner
        out.append("\n" + "  " * level + "}")
    elif isinstance(o, list | tuple | Iterator):
        inner = "\n" + "  " * (level + 1)
        head = "[" + inner
        for v in o:
            scalar = _SCALARS.get(type(v))
            if scalar is not None:
                out.append(head + scalar(v))
            else:
                out.append(head)
                _encode(v, level + 1, out, flush)
            head = "," + inner
            if len(out) > _FLUSH_EVERY:
                flush()
        out.append("[]" if head[0] == "[" else "\n" + "  " * level + "]")
    elif isinstance(o, str):
        out.append(_encode_string(o))
    elif isinstance(o, int):
        out.append(int.__repr__(o))
    elif isinstance(o, float):
        out.append(_float(o))
    else:
        _encode(str(o), level, out, flush)


_compact = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode


def write_jsonl(path: Path, records: Iterable[Any]) -> None:
    """Write one compact JSON object per line (sorted keys, UTF-8 text), record by record."""
    with path.open("w", encoding="utf-8") as fh:
        out: list[str] = []
        for record in records:
            out.append(_compact(record))
            if len(out) >= 1024:
                out.append("")
                fh.write("\n".join(out))
                out.clear()
        if out:
            out.append("")
            fh.write("\n".join(out))


def find_record(path: Path, application_id: str) -> dict[str, Any] | None:
    """The record of ``application_id`` in an ``explanation.jsonl`` (the header is skipped), or ``None``."""
    return find_explanation(path, application_id)[1]


def find_explanation(path: Path, application_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The header of an ``explanation.jsonl`` and the record of ``application_id`` in it (or ``None``)."""
    needle = '"id":' + _compact(application_id)
    with path.open(encoding="utf-8") as fh:
        first = next(fh, None)
        header = json.loads(first) if first else {}
        if not isinstance(header, dict):
            raise json.JSONDecodeError("the first line is not the header", first or "", 0)
        for line in fh:
            if needle in line:
                record = json.loads(line)
                if isinstance(record, dict) and record.get("id") == application_id:
                    return header, record
    return header, None
