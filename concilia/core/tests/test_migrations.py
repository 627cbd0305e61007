"""The suite builds its databases from the models (``--no-migrations``): that is the same database only
while every migration is a schema change. This test keeps it so."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.db.migrations.operations import RunPython, RunSQL, SeparateDatabaseAndState

PACKAGE = Path(__file__).resolve().parents[2]


def test_no_migration_runs_code_or_sql() -> None:
    """Given every migration file of the project, when its operations are read, then none carries data.

    A data migration (``RunPython``, ``RunSQL``) would be skipped by the suite: write it as a
    management command, or drop ``--no-migrations`` from ``pyproject.toml``.
    """
    files = sorted(PACKAGE.glob("*/migrations/0*.py"))
    assert len(files) >= 14  # every app's migrations were found
    carrying = []
    for path in files:
        module = importlib.import_module(f"concilia.{path.parent.parent.name}.migrations.{path.stem}")
        for op in module.Migration.operations:
            if isinstance(op, RunPython | RunSQL | SeparateDatabaseAndState):
                carrying.append(f"{path.relative_to(PACKAGE)}: {type(op).__name__}")
    assert carrying == []
