"""Receipts of submission ("ricevuta di protocollo") as PDF: one layout for every workflow.

Made with fpdf2's built-in Helvetica in the Windows-1252 encoding, which has the euro sign and the
Italian accented letters, so no font file is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

ENCODING = "windows-1252"


def euro(cents: int | None) -> str:
    """Italian formatting of an amount in cents: ``€ 1.234.567,89`` (negative: ``-€ 12,00``)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    units, hundredths = divmod(abs(int(cents)), 100)
    return f"{sign}€ {units:,}".replace(",", ".") + f",{hundredths:02d}"


def _safe(text: str) -> str:
    """Text the core font can print: characters outside Windows-1252 become ``?``."""
    return text.encode(ENCODING, errors="replace").decode(ENCODING)


def local_time(value: dt.datetime) -> str:
    """A time as a receipt prints it: ``06/12/2026 09:30:00 (Europe/Rome)``."""
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%d/%m/%Y %H:%M:%S") + " (Europe/Rome)"


def receipt_pdf(
    *,
    protocol: str,
    issuer: str,
    rows: Iterable[tuple[Any, Any]],
    at: dt.datetime,
    statement: str,
    title: str | None = None,
) -> bytes:
    """One page: the title (a receipt of submission unless told), who issues it, the rows and the statement."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(False)  # a page of text: small either way, and its text stays searchable
    pdf.set_title(_safe(_("Receipt %(protocol)s") % {"protocol": protocol}))
    pdf.set_author("Concilia")
    pdf.set_creation_date(timezone.localtime(at, timezone.get_default_timezone()))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _safe(title or _("Receipt of submission")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _safe(issuer), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    label_width = 45
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(label_width, 7, _safe(str(label)))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _safe(str(value)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, _safe(statement), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
