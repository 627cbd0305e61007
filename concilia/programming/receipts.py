"""The PDF receipt of a submitted proposal ("ricevuta di protocollo").

Made with fpdf2's built-in Helvetica in the Windows-1252 encoding, which has the euro sign and the
Italian accented letters, so no font file is needed.
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from concilia.programming.models import Proposal

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


def proposal_receipt_pdf(proposal: Proposal) -> bytes:
    """The receipt of a submitted proposal: protocol, call, alliance, title, time of submission, amounts."""
    if proposal.protocol_number is None or proposal.submitted_at is None:
        raise ValueError("only a submitted proposal has a receipt")
    call = proposal.call
    alliance = proposal.alliance
    total = int(proposal.budget_lines.aggregate(t=Sum("amount_cents"))["t"] or 0)
    requested = int(proposal.requested_cents or 0)
    submitted = timezone.localtime(proposal.submitted_at, timezone.get_default_timezone())

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(False)  # a page of text: small either way, and its text stays searchable
    pdf.set_title(_safe(_("Receipt %(protocol)s") % {"protocol": proposal.protocol}))
    pdf.set_author("Concilia")
    pdf.set_creation_date(submitted)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _safe(_("Receipt of submission")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _safe(str(call.publisher)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        (_("Protocol"), proposal.protocol),
        (_("Call"), f"{call.title} ({call.code})"),
        (_("Alliance"), alliance.name),
        (_("Lead"), str(alliance.lead)),
        (_("Title"), proposal.title),
        (_("Submitted at"), submitted.strftime("%d/%m/%Y %H:%M:%S") + " (Europe/Rome)"),
        (_("Total cost"), euro(total)),
        (_("Grant requested"), euro(requested)),
        (_("Co-financing"), euro(max(total - requested, 0))),
    ]
    label_width = 45
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(label_width, 7, _safe(str(label)))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _safe(str(value)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(
        0,
        5,
        _safe(
            _(
                "This receipt certifies that the proposal was received by the deadline of the call "
                "(%(closes)s) and registered with the protocol number above."
            )
            % {"closes": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
