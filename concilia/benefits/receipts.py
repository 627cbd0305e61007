"""The PDF receipt of a family's submitted application."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.benefits.models import Application
from concilia.core.receipts import local_time, receipt_pdf


def application_receipt_pdf(application: Application) -> bytes:
    """Protocol, call, household, children applied for, time of submission and version."""
    if application.protocol_number is None or application.submitted_at is None:
        raise ValueError("only a submitted application has a receipt")
    call = application.call
    children = ", ".join(str(row.child) for row in application.children.select_related("child"))
    rows = [
        (_("Protocol"), application.protocol),
        (_("Call"), f"{call.title} ({call.code})"),
        (_("Household"), str(application.household)),
        (_("For"), children or "—"),
        (_("Submitted at"), local_time(application.submitted_at)),
        (_("Version"), application.versions.count()),
    ]
    if application.filed_by_id:
        rows.append((_("Filed by"), _("a help-desk operator, on the family's behalf")))
    statement = _(
        "This receipt certifies that the application was received before the call closed (%(closes)s) and "
        "registered with the protocol number above. Keep it: the published ranking names applications by "
        "their protocol number only."
    ) % {"closes": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
    return receipt_pdf(protocol=application.protocol, issuer=str(call.publisher), rows=rows,
                       at=application.submitted_at, statement=statement)  # fmt: skip
