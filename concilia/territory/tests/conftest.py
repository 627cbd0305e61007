"""Helpers to write modified copies of the ISTAT list for the territory tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation

from concilia.territory import loaders

IstatRows = list[list[str]]


def read_istat_list(path: Path | None = None) -> tuple[list[str], IstatRows]:
    """Header and rows of an ISTAT list (the shipped one by default)."""
    path = path or loaders.default_municipalities_path()
    reader = csv.reader(io.StringIO(path.read_bytes().decode("cp1252"), newline=""), delimiter=";")
    header = next(reader)
    return header, [row for row in reader if row]


def write_istat_list(path: Path, header: list[str], rows: IstatRows, *, encoding: str = "cp1252") -> Path:
    """Write ``rows`` in the ISTAT format (``;``-separated, quoted header with a newline inside)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """The tests match the English messages; the interface default is Italian."""
    with translation.override("en"):
        yield


@pytest.fixture
def istat_list() -> tuple[list[str], IstatRows]:
    """A fresh copy of the shipped ISTAT list (header, rows) to modify."""
    return read_istat_list()


@pytest.fixture
def column(istat_list: tuple[list[str], IstatRows]) -> Callable[[str], int]:
    """The position of a column of the ISTAT list, by its normalised name (``loaders.COL_*``)."""
    header, _rows = istat_list
    positions = {loaders._normalise_header(name): index for index, name in enumerate(header)}
    return positions.__getitem__
