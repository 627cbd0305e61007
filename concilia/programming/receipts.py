"""The PDF receipt of a submitted proposal ("ricevuta di protocollo"), in the layout of :mod:`concilia.core.receipts`."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.core.receipts import euro, local_time, receipt_pdf
from concilia.programming.models import Proposal

__all__ = ["euro", "proposal_receipt_pdf"]


def proposal_receipt_pdf(proposal: Proposal) -> bytes:
    """The receipt of a submitted proposal: protocol, call, alliance, title, time of submission, amounts."""
    if proposal.protocol_number is None or proposal.submitted_at is None:
        raise ValueError("only a submitted proposal has a receipt")
    call = proposal.call
    alliance = proposal.alliance
    total = int(proposal.budget_lines.aggregate(t=Sum("amount_cents"))["t"] or 0)
    requested = int(proposal.requested_cents or 0)
    rows = [
        (_("Protocol"), proposal.protocol),
        (_("Call"), f"{call.title} ({call.code})"),
        (_("Alliance"), alliance.name),
        (_("Lead"), str(alliance.lead)),
        (_("Title"), proposal.title),
        (_("Submitted at"), local_time(proposal.submitted_at)),
        (_("Total cost"), euro(total)),
        (_("Grant requested"), euro(requested)),
        (_("Co-financing"), euro(max(total - requested, 0))),
    ]
    statement = _(
        "This receipt certifies that the proposal was received by the deadline of the call "
        "(%(closes)s) and registered with the protocol number above."
    ) % {"closes": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
    return receipt_pdf(protocol=proposal.protocol, issuer=str(call.publisher), rows=rows, at=proposal.submitted_at,
                       statement=statement)  # fmt: skip
