"""The PDF receipt of a family's submitted application."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.benefits.models import Application, Place
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


def place_letter_pdf(place: Place) -> bytes:
    """The decision letter of a place: which offer, from which ranking, until when to answer, and its state."""
    from concilia.benefits.services.places import offer_name

    application = place.application
    call = place.call
    rows = [
        (_("Protocol"), application.protocol),
        (_("Call"), f"{call.title} ({call.code})"),
        (_("For"), str(application.child) if application.child_id else str(application.household)),
        (_("Place"), f"{offer_name(place.offer)}, {place.offer.service.address} {place.offer.service.municipality}"),
        (_("From the ranking"), _("version %(version)s, published on %(date)s") % {
            "version": place.ranking.version, "date": local_time(place.ranking.published_at or place.offered_at)}),
        (_("Offered at"), local_time(place.offered_at)),
        (_("Answer by"), local_time(place.answer_by)),
        (_("Status"), place.get_status_display()),
    ]  # fmt: skip
    if place.answered_at:
        rows.append((_("Answered at"), local_time(place.answered_at)))
    if place.enrolled_at:
        rows.append((_("Enrolment confirmed at"), local_time(place.enrolled_at)))
    statement = _(
        "The place is assigned under the call's rules and the published ranking. Accept or refuse it in your area "
        "by the time above: without an answer it expires and goes to the next family in the ranking."
    )
    return receipt_pdf(protocol=application.protocol, issuer=str(call.publisher), rows=rows,
                       at=place.answered_at or place.offered_at, statement=statement,
                       title=_("Place in a nursery or service: decision"))  # fmt: skip
