"""The command line end to end on the example files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from concilia.allocation.explain import record_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "concilia.allocation", *map(str, args)], capture_output=True, text=True, check=False
    )


def explanation(out: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The header of ``explanation.jsonl`` and its records by application id (one compact object per line)."""
    header, *records = (
        json.loads(line) for line in (out / "explanation.jsonl").read_text(encoding="utf-8").splitlines()
    )
    return header, {r["id"]: r for r in records}


def test_validate_ok() -> None:
    for name in ("voucher-call.yaml", "nursery-call.yaml"):
        r = run("validate", EXAMPLES / name)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "OK"


def test_validate_reports_every_error_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "call.yaml"
    bad.write_text(
        "call: {id: x, title: y}\n"
        "fields: {isee_cents: integer}\n"
        "points:\n"
        "  - id: isee\n"
        "    label: ISEE\n"
        "    bands:\n"
        "      field: isee_cents\n"
        "      ranges: [{min: 0, max: 1500000, points: 3}, {min: 1500000, points: 1}]\n"
        "outcome: {mode: ranked_budget, fit: maybe, budget_cents: 1}\n",
        encoding="utf-8",
    )
    r = run("validate", bad)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0] == (
        f"{bad}:6:5: points[0].bands: bands overlap at 1500000 (ranges[1] starts inside an earlier band ending at 1500000)"
    )
    assert lines[1].startswith(f"{bad}:9:") and "'fit' must be 'stop', 'skip' or 'partial'" in lines[1]


def test_rank_budget_writes_files(tmp_path: Path) -> None:
    r = run("rank", EXAMPLES / "voucher-call.yaml", EXAMPLES / "voucher-applications.csv", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    ranking = json.loads((tmp_path / "ranking.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in ranking["entries"][:4]] == ["V-002", "V-001", "V-007", "V-003"]
    assert ranking["budget"] == {
        "budget_cents": 500000,
        "spent_cents": 500000,
        "cutoff": {"application_id": "V-003", "points": 30, "rank": 4},
    }
    with (tmp_path / "ranking.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[3]["outcome"] == "partially_funded" and rows[3]["granted_cents"] == "50000"
    assert rows[-1]["excluded_by"] == "worker"
    header, records = explanation(tmp_path)
    assert header["budget"] == ranking["budget"] and header["call_id"] == ranking["call_id"]
    assert list(records) == [e["id"] for e in ranking["entries"]]
    assert records["V-004"]["excluded_by"][0]["reason"] == "ISEE superiore a 30.000 euro"
    assert records["V-003"]["cutoff"] == ranking["budget"]["cutoff"]


def test_rerun_budget_reads_the_previous_grants(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    r = run("rank", EXAMPLES / "voucher-call.yaml", EXAMPLES / "voucher-applications.csv", "--out", first)
    assert r.returncode == 0, r.stderr
    answers = tmp_path / "answers.csv"
    answers.write_text("id,answer\nV-002,refused\nV-001,accepted\n", encoding="utf-8")
    r = run(
        "rerun",
        EXAMPLES / "voucher-call.yaml",
        EXAMPLES / "voucher-applications.csv",
        "--previous",
        first / "ranking.json",
        "--answers",
        answers,
        "--out",
        second,
    )
    assert r.returncode == 0, r.stderr
    entries = {e["id"]: e for e in json.loads((second / "ranking.json").read_text(encoding="utf-8"))["entries"]}
    # V-002's 1,500 € come back: V-003's partial 500 € grant is topped up to its full 1,000 €.
    assert entries["V-002"]["outcome"] == "refused" and entries["V-002"]["granted_cents"] == 0
    assert [entries[x]["granted_cents"] for x in ("V-001", "V-007", "V-003")] == [150000, 150000, 100000]
    assert entries["V-003"]["outcome"] == "funded"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    r = run(
        "rerun",
        EXAMPLES / "voucher-call.yaml",
        EXAMPLES / "voucher-applications.csv",
        "--previous",
        broken,
        "--answers",
        answers,
        "--out",
        second,
    )
    assert r.returncode == 1 and "not a ranking.json" in r.stderr


def test_json_applications_give_the_same_ranking(tmp_path: Path) -> None:
    with (EXAMPLES / "voucher-applications.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    (tmp_path / "apps.json").write_text(json.dumps(list(reversed(rows))), encoding="utf-8")
    run("rank", EXAMPLES / "voucher-call.yaml", EXAMPLES / "voucher-applications.csv", "--out", tmp_path / "a")
    r = run("rank", EXAMPLES / "voucher-call.yaml", tmp_path / "apps.json", "--out", tmp_path / "b")
    assert r.returncode == 0, r.stderr
    for name in ("ranking.json", "ranking.csv", "explanation.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_bad_cells_name_row_and_column(tmp_path: Path) -> None:
    text = (EXAMPLES / "voucher-applications.csv").read_text(encoding="utf-8")
    text = text.replace("1200000,019036,true", "12.000,019036,forse", 1)
    (tmp_path / "apps.csv").write_text(text, encoding="utf-8")
    r = run("rank", EXAMPLES / "voucher-call.yaml", tmp_path / "apps.csv", "--out", tmp_path)
    assert r.returncode == 1
    assert "apps.csv: row 2, column 'isee_cents': '12.000' is not an integer" in r.stderr
    assert "apps.csv: row 2, column 'employer_in_network': 'forse' is not a boolean" in r.stderr


def test_rank_and_rerun_places(tmp_path: Path) -> None:
    call, apps, offers = (
        EXAMPLES / "nursery-call.yaml",
        EXAMPLES / "nursery-applications.csv",
        EXAMPLES / "nursery-offers.csv",
    )
    r = run("rank", call, apps, "--offers", offers, "--out", tmp_path / "first")
    assert r.returncode == 0, r.stderr
    with (tmp_path / "first" / "offers.csv").open(encoding="utf-8") as fh:
        offer_rows = {row["id"]: row for row in csv.DictReader(fh)}
    assert offer_rows["NIDO-AQUILONE-FT"]["placed"] == "2"
    assert offer_rows["NIDO-AQUILONE-FT"]["waiting"] == "N-002"
    header, records = explanation(tmp_path / "first")
    assert records["N-002"]["choices"] == [
        {"offer": "NIDO-AQUILONE-FT", "choice": 1, "status": "waiting", "position": 1, "class": 1, "priority": None}
    ]
    assert "cutoffs_of_preferences" not in records["N-002"]  # the offers' cut-offs are in the header
    assert header["offers"]["NIDO-AQUILONE-FT"]["waiting"] == ["N-002"]
    ranking = json.loads((tmp_path / "first" / "ranking.json").read_text(encoding="utf-8"))
    placed = {e["id"]: e["offer"] for e in ranking["entries"] if e["offer"]}
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "id,answer\n" + "".join(f"{i},{'refused' if i == 'N-008' else 'accepted'}\n" for i in placed), encoding="utf-8"
    )
    r = run(
        "rerun", call, apps, "--offers", offers, "--previous", tmp_path / "first" / "ranking.json",
        "--answers", answers, "--out", tmp_path / "second",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    second = {e["id"]: e for e in json.loads((tmp_path / "second" / "ranking.json").read_text())["entries"]}
    assert second["N-008"]["outcome"] == "refused"
    assert second["N-002"]["offer"] == "NIDO-AQUILONE-FT"


def test_places_without_offers_fails(tmp_path: Path) -> None:
    r = run("rank", EXAMPLES / "nursery-call.yaml", EXAMPLES / "nursery-applications.csv", "--out", tmp_path)
    assert r.returncode == 1 and "--offers" in r.stderr


def test_local_times_the_clocks_skip_or_repeat_are_refused(tmp_path: Path) -> None:
    """2026-03-29 02:30 never happened in Rome (clocks 02:00 → 03:00); 2026-10-25 02:30 happened twice."""
    apps = tmp_path / "apps.csv"
    apps.write_text(
        "id,submitted_at,requested_cents,isee_cents,municipality,employer_in_network,declaration,children_under_11,single_parent\n"
        "V-1,2026-03-29T02:30:00,100000,900000,019036,true,true,1,false\n"
        "V-2,2026-03-29T03:10:00,100000,900000,019036,true,true,1,false\n"
        "V-3,2026-10-25T02:30,100000,900000,019036,true,true,1,false\n"
        "V-4,2026-10-25T02:30+01:00,100000,900000,019036,true,true,1,false\n"
        "V-5,2026-03-29T02:30:00+01:00,100000,900000,019036,true,true,1,false\n",
        encoding="utf-8",
    )
    r = run("rank", EXAMPLES / "voucher-call.yaml", apps, "--out", tmp_path / "out")
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "apps.csv: row 2, column 'submitted_at': '2026-03-29T02:30:00' does not exist in Europe/Rome (the clocks "
        "jumped forward that night): write the time with its offset, e.g. 2026-03-29T03:30:00+02:00",
        "apps.csv: row 4, column 'submitted_at': '2026-10-25T02:30' happens twice in Europe/Rome (the clocks went "
        "back that night): write it with its offset, 2026-10-25T02:30:00+02:00 for the first or "
        "2026-10-25T02:30:00+01:00 for the second",
    ]
    assert not (tmp_path / "out").exists()
    # With offsets both are accepted (V-5 is 02:30 winter time, the instant 03:30 summer time).
    fixed = (
        apps.read_text(encoding="utf-8").replace("T02:30:00,", "T02:30:00+01:00,").replace("T02:30,", "T02:30+02:00,")
    )
    apps.write_text(fixed, encoding="utf-8")
    r = run("rank", EXAMPLES / "voucher-call.yaml", apps, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr


def test_explain_prints_one_application(tmp_path: Path) -> None:
    call, apps, offers = (
        EXAMPLES / "nursery-call.yaml",
        EXAMPLES / "nursery-applications.csv",
        EXAMPLES / "nursery-offers.csv",
    )
    assert run("rank", call, apps, "--offers", offers, "--out", tmp_path).returncode == 0
    header, records = explanation(tmp_path)
    r = run("explain", tmp_path, "N-002", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == records["N-002"]
    assert r.stdout.startswith('{\n  "breakdown": [')
    # Without --json: the sentences, in Italian or English.
    r = run("explain", tmp_path, "N-002")
    assert r.returncode == 0, r.stderr
    text = record_text(records["N-002"], header)
    assert "text" not in records["N-002"]  # not stored: rendered from the facts when read
    assert r.stdout.splitlines() == text["it"]
    assert r.stdout.startswith("La domanda N-002 è in posizione 4 in graduatoria con 10.862 punti.\n")
    r = run("explain", tmp_path, "N-002", "--lang", "en")
    assert r.stdout.splitlines() == text["en"] and "Application N-002 is ranked 4" in r.stdout
    r = run("explain", tmp_path, "N-999")
    assert r.returncode == 1 and "no application 'N-999'" in r.stderr
    r = run("explain", tmp_path / "missing", "N-002")
    assert r.returncode == 1 and "No such file" in r.stderr
