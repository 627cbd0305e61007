"""Spreadsheet exports that cannot carry a formula (CSV injection, OWASP "CSV Injection").

A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` — also after tabs, carriage returns or
spaces, or that begins with a tab or a carriage return — is read by Excel and LibreOffice as a
formula, and in XLSX openpyxl writes it as one. Every export (register lists, survey results, desk
statistics, attendance registers) goes through :func:`safe_dataset`, which puts a ``'`` before such
text so it is shown as written and never run. Numbers stay numbers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import tablib
from django.http import HttpResponse
from django.urls import reverse
from django_tables2.export import TableExport

EXPORT_FORMATS = ("csv", "xlsx")
FORMULA = re.compile(r"^[\s]*[=+\-@]|^[\t\r]")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    """``value``, with a leading ``'`` if a spreadsheet would take the text for a formula."""
    if isinstance(value, str) and FORMULA.match(value):
        return "'" + value
    return value


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` whose headers and cells cannot be formulas."""
    safe = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        safe.headers = [neutralise(h) for h in dataset.headers]
    for row in dataset:
        safe.append([neutralise(v) for v in row])
    return safe


def dataset_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """The dataset as a CSV or XLSX download, made safe first."""
    response = HttpResponse(safe_dataset(dataset).export(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SafeTableExport(TableExport):
    """django-tables2's export of a register list, with every cell made safe."""

    def table_to_dataset(self, table: Any, exclude_columns: Any, dataset_kwargs: Any = None) -> tablib.Dataset:
        return safe_dataset(super().table_to_dataset(table, exclude_columns, dataset_kwargs))


def list_links(list_url_name: str, **filters: Any) -> dict[str, Any]:
    """Links to a register's list narrowed by ``filters``, and to its CSV/XLSX exports.

    How a detail page offers the list it shows (a network's members, an alliance's partners) with
    the register's own filters and exports: the same page, FilterSet and :class:`SafeTableExport`,
    never a second export per page.
    """
    query = urlencode({key: value for key, value in filters.items() if value not in (None, "")})
    url = reverse(list_url_name) + (f"?{query}" if query else "")
    joiner = "&" if query else "?"
    return {"url": url, "exports": [(fmt.upper(), f"{url}{joiner}_export={fmt}") for fmt in EXPORT_FORMATS]}
