"""A family's application to a family call: drafted, checked, submitted with a protocol number, changed, withdrawn.

Who acts: the family (the household's account) or a help-desk operator filing on its behalf
(:func:`may_file_for`), recorded on the application; the employer's HR confirms employment. Every
write checks the call's window (``opens_at <= now < closes_at``, in server time) under the call's row
lock, so closing day sees every submission that made it and none after.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.accounts.choices import Role
from concilia.allocation.engine import rank
from concilia.benefits import engine_fields
from concilia.benefits.choices import ApplicationStatus, ConfirmationStatus, Employment
from concilia.benefits.models import (
    Application,
    ApplicationChild,
    ApplicationVersion,
    Attachment,
    Child,
    EmploymentConfirmation,
    Household,
    Preference,
)
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.services import object_save
from concilia.core.workflow import next_protocol_number, relock
from concilia.programming.choices import FAMILY_CALL_KINDS, ApplicationUnit, CallKind, CallStatus
from concilia.programming.models import Call, CallOffer, ProtocolCounter
from concilia.programming.rules import engine_call

#: What an attachment may be, told by its first bytes (never by its name): PDF, JPEG, PNG.
SIGNATURES: Mapping[bytes, str] = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def may_file_for(by: Any) -> bool:
    """A help-desk operator (or the administrator) may file an application on a family's behalf."""
    scope = scope_of(by)
    return scope.is_admin or scope.has_role(Role.DESK_OPERATOR)


def _require_family(household: Household, by: Any) -> None:
    if by is None or household.owner_id == getattr(by, "pk", None) or may_file_for(by):
        return
    raise PermissionDenied(_("Only the family, or a help-desk operator on its behalf, may do this."))


def _require_acting_on(application: Application, by: Any) -> None:
    """The family, or the operator who filed this application for it (another operator's is not theirs)."""
    household = application.household
    if by is None or household.owner_id == getattr(by, "pk", None) or scope_of(by).is_admin:
        return
    if may_file_for(by) and application.filed_by_id == by.pk:
        return
    raise PermissionDenied(_("Only the family, or the help-desk operator who filed the application, may do this."))


#: What every applicant declares (D.P.R. 445/2000, art. 46-47 and 76): the pages show the words of each.
REQUIRED_DECLARATIONS = ("truthful", "checks", "notice")


def _when(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _require_open(call: Call, now: dt.datetime) -> None:
    if call.kind not in FAMILY_CALL_KINDS:
        raise ValidationError(_("Families do not apply to this call."))
    if call.status != CallStatus.OPEN or now < call.opens_at:
        raise ValidationError(_("The call is not open: it opens on %(time)s.") % {"time": _when(call.opens_at)})
    if now >= call.closes_at:
        raise ValidationError(_("The call closed on %(time)s.") % {"time": _when(call.closes_at)})


def _require_draft_or_open(application: Application, now: dt.datetime) -> None:
    _require_open(application.call, now)
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("This application has been withdrawn."))


def _unit(call: Call) -> str:
    terms = getattr(call, "family_terms", None)
    return terms.application_unit if terms is not None else ApplicationUnit.CHILD


def application_start(
    *, call: Call, household: Household, by: Any, child: Child | None = None, now: dt.datetime | None = None
) -> Application:
    """The family's draft for ``call`` (for ``child`` when the call takes one application per child).

    Asked twice (a double click, two tabs), it gives the same application: the database allows one.
    """
    now = now or clock.now()
    _require_family(household, by)
    _require_open(call, now)
    per_child = _unit(call) == ApplicationUnit.CHILD
    if per_child and (child is None or child.household_id != household.pk):
        raise ValidationError({"child": _("Choose the child the application is for.")})
    if not per_child:
        child = None
    lookup: dict[str, Any] = {"call": call, "household": household, "child": child}
    existing = Application.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    filed_by = by if by is not None and household.owner_id != by.pk else None
    try:
        with transaction.atomic():
            application = object_save(instance=Application(**lookup, filed_by=filed_by), by=by)
            if child is not None:
                ApplicationChild.objects.create(application=application, child=child)
            return application
    except (IntegrityError, ValidationError):
        existing = Application.objects.filter(**lookup).first()
        if existing is None:
            raise
        return existing


def application_set_children(
    *, application: Application, weeks: Mapping[int, int], by: Any, now: dt.datetime | None = None
) -> Application:
    """Which children a household's voucher application asks for, with the weeks of care for each."""
    now = now or clock.now()
    _require_acting_on(application, by)
    _require_draft_or_open(application, now)
    children = {c.pk: c for c in application.household.children.all()}
    unknown = set(weeks) - set(children)
    if unknown:
        raise ValidationError(_("Choose children of your household."))
    terms = getattr(application.call, "family_terms", None)
    cap = terms.max_weeks if terms is not None else None
    for child_id, n in weeks.items():
        if n < 0 or (cap is not None and n > cap):
            raise ValidationError(
                {"weeks": _("At most %(max)s weeks for %(name)s.") % {"max": cap, "name": children[child_id]}}
            )
    with transaction.atomic():
        application = relock(application)
        if application.child_id is not None and set(weeks) - {application.child_id}:
            raise ValidationError(_("This application is for one child only."))
        application.children.all().delete()
        ApplicationChild.objects.bulk_create(
            [ApplicationChild(application=application, child_id=pk, weeks=n) for pk, n in sorted(weeks.items())]
        )
    return application


def application_set_preferences(
    *, application: Application, offers: Iterable[int], by: Any, now: dt.datetime | None = None
) -> Application:
    """The offers a place application asks for, most wanted first, among the call's."""
    now = now or clock.now()
    _require_acting_on(application, by)
    _require_draft_or_open(application, now)
    chosen = list(dict.fromkeys(int(o) for o in offers))
    if application.call.kind != CallKind.FAMILY_PLACES:
        raise ValidationError(_("This call assigns no places: there are no preferences to choose."))
    allowed = set(CallOffer.objects.filter(call=application.call).values_list("offer_id", flat=True))
    if not chosen:
        raise ValidationError({"preferences": _("Choose at least one service.")})
    if set(chosen) - allowed:
        raise ValidationError({"preferences": _("Choose among the services of the call.")})
    with transaction.atomic():
        application = relock(application)
        application.preferences.all().delete()
        Preference.objects.bulk_create(
            [Preference(application=application, offer_id=o, rank=i) for i, o in enumerate(chosen, start=1)]
        )
    return application


def application_declare(
    *, application: Application, declarations: list[str], by: Any, now: dt.datetime | None = None
) -> Application:
    """Record the declarations the applicant makes (dichiarazione sostitutiva, D.P.R. 445/2000)."""
    now = now or clock.now()
    _require_acting_on(application, by)
    _require_draft_or_open(application, now)
    if not set(REQUIRED_DECLARATIONS) <= {str(d) for d in declarations}:
        raise ValidationError(
            {"declarations": _("Tick every declaration: the application cannot be submitted without them.")}
        )
    application.declarations = [str(d) for d in declarations]
    return object_save(instance=application, by=by)


def eligibility_problems(application: Application, *, on: dt.date | None = None) -> list[str]:
    """Why the application would be excluded today, in words (empty: it is eligible).

    The household's own gaps come first (no adult, no child chosen, no preference, no declaration),
    then the call's eligibility rules as the engine explains them.
    """
    on = on or clock.today()
    problems: list[str] = []
    household = application.household
    if not household.adults.exists():
        problems.append(_("Add at least one adult to your household."))
    if not application.children.exists():
        problems.append(_("Choose the children the application is for."))
    if application.call.kind == CallKind.FAMILY_PLACES and not application.preferences.exists():
        problems.append(_("Choose at least one service."))
    if not application.declarations:
        problems.append(_("Make the declarations."))
    if problems:
        return problems
    data = engine_fields.snapshot(application, on=on)
    candidate = engine_fields.engine_application(protocol="check", submitted_at=clock.now(), data=data)
    result = rank(engine_call(application.call), [candidate])
    entry = result.by_id()["check"]
    return [x.reason for x in entry.exclusions]


def application_submit(*, application: Application, by: Any, now: dt.datetime | None = None) -> Application:
    """Submit (or, before the deadline, submit again) the application; the first submission gets its number.

    Every submission freezes an :class:`ApplicationVersion` of what the household declared; an
    ineligible application is refused with the reasons, and nothing changes. Submitting again what was
    submitted already (a double click, a retry after a lost answer) changes nothing either: no new version,
    and the time of submission (a first-come-first-served call's order) stays the first one's.
    """
    now = now or clock.now()
    _require_acting_on(application, by)
    with transaction.atomic():
        call = relock(application.call)  # closing waits for the submissions in flight
        _require_open(call, now)
        application = relock(application)
        if application.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("This application has been withdrawn."))
        problems = eligibility_problems(application, on=timezone.localtime(now).date())
        if problems:
            raise ValidationError(problems)
        data = engine_fields.snapshot(application, on=timezone.localtime(now).date())
        last = application.versions.order_by("-number").first()
        if application.status == ApplicationStatus.SUBMITTED and last is not None and last.data == data:
            return application  # the same submission again: nothing to record
        if application.protocol_number is None:
            application.protocol_number = next_protocol_number(ProtocolCounter, call_id=call.pk)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = now
        application.call = call
        object_save(instance=application, by=by, reason=_("Submitted"))
        number = (last.number if last is not None else 0) + 1
        ApplicationVersion.objects.create(application=application, number=number, submitted_at=now, by=by, data=data)
        _ask_confirmations(application)
        _tell_family(application, submitted=True, version=number)
    return application


def _tell_family(application: Application, *, submitted: bool, version: int = 0) -> None:
    """The family's message (and e-mail) about its application; a submission carries the PDF receipt."""
    from django.urls import reverse

    from concilia.benefits.receipts import application_receipt_pdf
    from concilia.core.notifications import notify

    owner = application.household.owner
    values = {"protocol": application.protocol, "call": application.call.title}
    link = reverse("benefits:application", args=[application.pk])
    if submitted:
        subject = _("Application %(protocol)s received") % values
        body = (
            _("Your application to “%(call)s” has been received with protocol number %(protocol)s.") % values
            if version == 1
            else _(
                "The changes to your application %(protocol)s to “%(call)s” have been received (version %(version)s)."
            )
            % {**values, "version": version}
        )
        if application.filed_by_id:
            body += " " + _("A help-desk operator filed it on your behalf.")
        name = f"ricevuta-{application.protocol.replace('/', '-')}.pdf"
        # the receipt travels by e-mail (the area offers it for download): made only for an address
        attachments = [(name, application_receipt_pdf(application), "application/pdf")] if owner.email else []
        notify(user=owner, subject=subject, body=body, link=link, attachments=attachments)
    else:
        notify(
            user=owner,
            subject=_("Application %(protocol)s withdrawn") % values
            if application.protocol
            else _("Application withdrawn"),
            body=_(
                "Your application to “%(call)s” has been withdrawn: it keeps its protocol number and takes no part in the ranking."
            )
            % values,
            link=link,
        )


def _ask_confirmations(application: Application) -> None:
    """One confirmation request per parent employed by an organisation of the register (kept when answered)."""
    for adult in application.household.adults.filter(employment=Employment.EMPLOYEE, employer__isnull=False):
        EmploymentConfirmation.objects.get_or_create(
            application=application, adult=adult, defaults={"employer_id": adult.employer_id}
        )


def application_withdraw(*, application: Application, by: Any, now: dt.datetime | None = None) -> Application:
    """Withdraw before the deadline; a submitted application keeps its protocol number."""
    now = now or clock.now()
    _require_acting_on(application, by)
    with transaction.atomic():
        call = relock(application.call)
        application = relock(application)
        if application.status == ApplicationStatus.WITHDRAWN:
            raise ValidationError(_("This application has already been withdrawn."))
        if call.status != CallStatus.OPEN or now >= call.closes_at:
            raise ValidationError(_("The call has closed: the application can no longer be withdrawn."))
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = now
        object_save(instance=application, by=by, reason=_("Withdrawn"))
        _tell_family(application, submitted=False)
        return application


def attachment_add(
    *, application: Application, kind: str, name: str, content: bytes, by: Any, now: dt.datetime | None = None
) -> Attachment:
    """Attach a document: PDF, JPEG or PNG by its content, at most ``CONCILIA_ATTACHMENT_MAX_BYTES``."""
    now = now or clock.now()
    _require_acting_on(application, by)
    _require_draft_or_open(application, now)
    limit = int(getattr(settings, "CONCILIA_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
    if len(content) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB: send a smaller one.") % {"mb": limit // (1024 * 1024)}}
        )
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    content_type = next((t for sig, t in SIGNATURES.items() if content.startswith(sig)), None)
    if content_type is None:
        raise ValidationError({"file": _("Send a PDF, JPEG or PNG file: this one is none of them.")})
    attachment = Attachment(
        application=application,
        kind=kind,
        name=name[:255] or "documento",
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(attachment.name, ContentFile(content), save=False)
    try:
        return object_save(instance=attachment, by=by)
    except ValidationError:
        attachment.file.delete(save=False)
        raise


def employment_decide(
    *, confirmation: EmploymentConfirmation, confirmed: bool, by: Any, note: str = "", now: dt.datetime | None = None
) -> EmploymentConfirmation:
    """The employer's HR confirms or denies the employment a parent declared."""
    scope = scope_of(by)
    if not (scope.is_admin or confirmation.employer_id in scope.organisation_ids(Role.COMPANY_HR)):
        raise PermissionDenied(_("Only the employer's HR may confirm this employment."))
    if not confirmed and not note.strip():
        raise ValidationError({"note": _("Say why the employment is not confirmed.")})
    with transaction.atomic():
        confirmation = relock(confirmation)
        confirmation.status = ConfirmationStatus.CONFIRMED if confirmed else ConfirmationStatus.REFUSED
        confirmation.decided_at = now or clock.now()
        confirmation.decided_by = by
        confirmation.note = note.strip()
        return object_save(instance=confirmation, by=by)
