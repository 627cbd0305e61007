"""Stored rankings stay reproducible: calls that use none of the newer rule features give byte-identical files.

The files under ``golden/`` were written by the command line before per-offer points, lists, money, units
and the new explanations existed (commit 766f75a). For the shipped examples the whole ``ranking.json``,
``ranking.csv`` and ``offers.csv`` are kept; for a seeded benchmark instance of 3,000 applications (places,
siblings together) and its budget variant, their SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import allocation as bench

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
EXAMPLES = HERE.parent / "examples"
FILES = ("ranking.json", "ranking.csv", "offers.csv")


def run(*args: str | Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "concilia.allocation", *map(str, args)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("voucher", ("voucher-call.yaml", "voucher-applications.csv")),
        ("nursery", ("nursery-call.yaml", "nursery-applications.csv", "--offers", "nursery-offers.csv")),
    ],
)
def test_shipped_examples_give_the_stored_files(tmp_path: Path, name: str, args: tuple[str, ...]) -> None:
    call, apps, *rest = args
    run("rank", EXAMPLES / call, EXAMPLES / apps, *[EXAMPLES / a if a.endswith(".csv") else a for a in rest],
        "--out", tmp_path)  # fmt: skip
    stored = sorted(p.name for p in (GOLDEN / name).iterdir())
    assert stored == sorted(f for f in FILES if (tmp_path / f).exists())
    for f in stored:
        assert (tmp_path / f).read_bytes() == (GOLDEN / name / f).read_bytes(), f


def digests(out: Path) -> dict[str, str]:
    return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in FILES if (out / f).exists()}


def test_generated_instance_gives_the_stored_digests(tmp_path: Path) -> None:
    instance = bench.generate(3000, 60, 5, seed=7)
    call = tmp_path / "call.yaml"
    call.write_text(bench.call_yaml(instance.district), encoding="utf-8")
    apps, offers = bench.write_instance(instance, tmp_path)
    run("rank", call, apps, "--offers", offers, "--out", tmp_path / "places")
    budget = tmp_path / "budget.yaml"
    budget.write_text(bench.budget_call_yaml(instance.district), encoding="utf-8")
    run("rank", budget, apps, "--out", tmp_path / "budget")
    got = {"places": digests(tmp_path / "places"), "budget": digests(tmp_path / "budget")}
    assert got == json.loads((GOLDEN / "generated.json").read_text(encoding="utf-8"))
