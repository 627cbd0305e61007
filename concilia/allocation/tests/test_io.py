"""Reading and writing files: the fast paths give exactly what the plain ones gave.

Applications are read as CSV lists with one parser per column; they must give the same applications
and the same error messages as the reader that built a dict per row and called ``parse_value`` on each
cell (kept below as the reference). ``ranking.json`` is written piece by piece; its bytes must be
``json.dumps(..., indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\\n"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from concilia.allocation import explain
from concilia.allocation import io as aio
from concilia.allocation.engine import Cutoff, Entry, Exclusion, OfferResult, Result, parse_call
from concilia.allocation.types import Application

CALL = parse_call(
    """
call: {id: io, title: io}
fields: {isee_cents: integer, disability: boolean, municipality: string, birth: date}
outcome: {mode: ranked_budget, budget_cents: 100}
""",
    "io.yaml",
)
COLUMNS = ["id", "submitted_at", "preferences", "group", "requested_cents", "isee_cents", "disability",
           "municipality", "birth"]  # fmt: skip

CELLS: dict[str, list[str]] = {
    "string": ["A1", "A2", " A1 ", "", "  ", "Ünïcödé", "a,b", 'q"uote', "x\ny"],
    "datetime": [
        "2026-03-01T09:00:00+01:00",
        "2026-03-01T09:00:00Z",
        "2026-03-01T09:00",
        " 2026-03-01T09:00 ",
        "2026-03-29T02:30:00",
        "2026-10-25T02:30",
        "2026-03-01 09:00:00",
        "2026-03-01",
        "ieri",
        "",
        "2026-13-01T00:00",
    ],  # fmt: skip
    "integer": ["12", " 12 ", "-3", "+4", "0", "007", "1_000", "12.0", "٣", "²", "", "abc", "9" * 30],
    "boolean": ["true", "false", "TRUE", " sì ", "si", "no", "N", "1", "0", "forse", ""],
    "date": ["2020-02-29", "20200229", "2020-W09-6", " 2020-02-29", "2021-02-29", "29/02/2020", ""],
    "preferences": ["O1|O2", " O1 | |O2 ", "", "|", "O1", "O2|O1|O1"],
}
TYPES = {"id": "string", "submitted_at": "datetime", "group": "string", "requested_cents": "integer",
         "isee_cents": "integer", "disability": "boolean", "municipality": "string", "birth": "date",
         "preferences": "preferences"}  # fmt: skip


def reference_read(path: Path, call: Any) -> list[Application]:
    """The reader as it was (a dict per CSV row, ``parse_value`` for every cell)."""
    rows, label = aio._rows(path)
    errors: list[str] = []
    apps: list[Application] = []
    seen: set[Any] = set()
    for i, row in enumerate(rows):

        def get(col: str, ftype: str, required: bool = False, row: dict[str, Any] = row, i: int = i) -> Any:
            try:
                v = aio.parse_value(row.get(col), ftype)
            except ValueError as exc:
                errors.append(f"{aio._where(path, label, i, col)}: {exc}")
                return None
            if v is None and required:
                errors.append(f"{aio._where(path, label, i, col)}: a value is required")
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
            errors.append(f"{aio._where(path, label, i, 'id')}: duplicate id {app_id!r}")
        seen.add(app_id)
        if app_id is not None and submitted is not None:
            apps.append(Application(app_id, submitted, {k: v for k, v in fields.items() if v is not None}, prefs,
                                    group, requested))  # fmt: skip
    if errors:
        raise aio.InputError(errors)
    return apps


def outcome(read: Any, path: Path) -> Any:
    """What a reader gives: the applications (with their fields in order) or the error lines."""
    try:
        apps = read(path, CALL)
    except aio.InputError as exc:
        return exc.errors
    return [(a.id, a.submitted_at, a.submitted_at.utcoffset(), list(a.fields.items()), a.preferences, a.group,
             a.requested_cents) for a in apps]  # fmt: skip


def row_strategy(header: list[str]) -> st.SearchStrategy[list[str]]:
    full = st.tuples(*(st.sampled_from(CELLS[TYPES.get(c, "string")]) for c in header)).map(list)
    # short rows, long rows and blank lines, as hand-edited files have
    return st.one_of(
        full,
        full.flatmap(lambda r: st.integers(0, len(r)).map(lambda n: r[:n])),
        full.map(lambda r: [*r, "extra"]),
    )


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    header = draw(st.permutations(COLUMNS))
    header = header[: draw(st.integers(len(header) - 2, len(header)))]  # maybe a column missing
    if draw(st.booleans()):
        header = [*header, draw(st.sampled_from(header))]  # a repeated column: the last one counts
    rows = draw(st.lists(row_strategy(header), max_size=8))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files())
@example(text="")
@example(text="id,submitted_at\n\nA,2026-03-01T09:00:00+01:00\n\n\nA,2026-03-01T09:00:00+01:00\n")
def test_csv_reader_gives_what_the_dict_reader_gave(tmp_path: Path, text: str) -> None:
    path = tmp_path / "apps.csv"
    path.write_text(("\ufeff" if len(text) % 2 else "") + text, encoding="utf-8")
    assert outcome(aio.read_applications, path) == outcome(reference_read, path)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files())
def test_json_applications_read_as_before(tmp_path: Path, text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:  # JSON may carry typed values and a list of preferences
        if (r.get("isee_cents") or "").strip().isdecimal():
            r["isee_cents"] = int(r["isee_cents"])
        if r.get("preferences"):
            r["preferences"] = r["preferences"].split("|")
        r.pop(None, None)  # type: ignore[call-overload]
    path = tmp_path / "apps.json"
    path.write_text(json.dumps({"applications": rows}), encoding="utf-8")
    assert outcome(aio.read_applications, path) == outcome(reference_read, path)


ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@pytest.mark.parametrize("ftype", ["string", "integer", "boolean", "date", "datetime"])
@settings(max_examples=300)
@given(raw=st.one_of(ANY_TEXT, st.sampled_from([c for cells in CELLS.values() for c in cells])))
def test_each_csv_parser_equals_parse_value(ftype: str, raw: str) -> None:
    def result(parse: Any) -> Any:
        try:
            v = parse(raw)
        except ValueError as exc:
            return ("error", str(exc))
        return (type(v), v, getattr(v, "tzinfo", None))

    assert result(aio._CSV_PARSERS[ftype]) == result(lambda r: aio.parse_value(r, ftype))


# --- writing ---------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.dates(),  # not JSON: written as str(value)
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.dictionaries(st.integers(-5, 5), inner, max_size=3),
    ),
    max_leaves=25,
)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@settings(max_examples=500)
@given(data=json_like)
@example(data={"a": [], "b": {}, "c": [[]], "d": [{}], "é": '\u2028\x00"\\/'})
def test_indented_writer_equals_json_dumps(data: Any) -> None:
    assert aio.dumps_indented(data) == dumps(data)


ids = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)
ints = st.integers(-(10**6), 10**6)


@st.composite
def results(draw: st.DrawFn) -> Result:
    criteria = tuple(draw(st.lists(ids, max_size=3, unique=True)))
    mode = draw(st.sampled_from(["places", "ranked_budget", "first_come"]))
    entries = []
    for aid in draw(st.lists(ids, max_size=6, unique=True)):
        eligible = draw(st.booleans())
        entries.append(
            Entry(
                aid,
                eligible,
                () if eligible else tuple(Exclusion(r, "r") for r in draw(st.lists(ids, max_size=2))),
                draw(ints),
                tuple(draw(ints) for _ in criteria) if draw(st.booleans()) else (),
                draw(st.one_of(st.none(), ints)),
                draw(st.sampled_from(["funded", "placed", "waiting", "excluded"])),
                draw(st.one_of(st.none(), ids)),
                draw(st.one_of(st.none(), ints)),
                draw(st.one_of(st.none(), ints)),
                criteria,
            )
        )
    cut = st.one_of(st.none(), st.builds(Cutoff, ids, ints, ints))
    if mode == "places":
        offers = {
            oid: OfferResult(oid, draw(ints), draw(ints), draw(cut), tuple(draw(st.lists(ids, max_size=3))))
            for oid in draw(st.lists(ids, max_size=3, unique=True))
        }
        return Result(draw(ids), mode, tuple(entries), offers=offers)
    return Result(draw(ids), mode, tuple(entries), draw(ints), draw(ints), draw(cut))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(result=results())
def test_ranking_files_are_the_bytes_of_before(tmp_path: Path, result: Result) -> None:
    path = tmp_path / "ranking.json"
    aio.write_json(path, explain.ranking_data(result, lazy=True))
    assert path.read_bytes() == (dumps(explain.ranking_data(result)) + "\n").encode("utf-8")
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    aio.write_csv(old, explain.RANKING_COLUMNS, explain.ranking_rows(result))
    aio.write_csv_rows(new, explain.RANKING_COLUMNS, explain.ranking_table(result))
    assert new.read_bytes() == old.read_bytes()


def test_a_long_generator_is_streamed_with_the_same_bytes(tmp_path: Path) -> None:
    items = [{"id": f"A{i}", "n": -i, "x": None if i % 3 else [i, "è"]} for i in range(3 * aio._FLUSH_EVERY)]
    path = tmp_path / "long.json"
    aio.write_json(path, {"z": 1, "items": (x for x in items)})
    assert path.read_text(encoding="utf-8") == dumps({"z": 1, "items": items}) + "\n"


def test_jsonl_records_and_finding_one(tmp_path: Path) -> None:
    path = tmp_path / "explanation.jsonl"
    records = [{"call_id": "c"}, *({"id": f"A{i}", "é": [i, None]} for i in range(2500)), {"id": 'q"', "k": {}}]
    aio.write_jsonl(path, iter(records))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert lines[1] == '{"id":"A0","é":[0,null]}'
    assert aio.find_record(path, "A2499") == {"id": "A2499", "é": [2499, None]}
    assert aio.find_record(path, 'q"') == {"id": 'q"', "k": {}}
    assert aio.find_record(path, "c") is None  # the header is not an application
    assert aio.find_record(path, "A") is None


def test_datetime_cells_keep_their_offsets(tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_text("id,submitted_at\nA,2026-03-01T09:00:00+02:00\nB,2026-07-01T09:00\n", encoding="utf-8")
    a, b = aio.read_applications(path, CALL)
    assert a.submitted_at.utcoffset() == dt.timedelta(hours=2)
    assert b.submitted_at.utcoffset() == dt.timedelta(hours=2) and str(b.submitted_at.tzinfo) == "Europe/Rome"
