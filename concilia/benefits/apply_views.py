"""Applying, as pages made for a phone: the open calls, then one short step at a time, then the summary.

``/famiglia/bandi/`` lists the family calls open now and the family's applications; a call's page
starts (or resumes) the application; the steps are the children (and weeks), the preferences (place
calls), the declarations and attachments; the summary says, in words, what still stops the
submission, and submits. Every step calls one service of :mod:`concilia.benefits.services`.
An application is reached by its family and by the help-desk operator who filed it (else 404).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from concilia.accounts.choices import Role
from concilia.benefits import receipts, selectors, services
from concilia.benefits.choices import ApplicationStatus, AttachmentKind
from concilia.benefits.models import Application, Attachment, EmploymentConfirmation
from concilia.benefits.preference_search import OfferHit, search_offers
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.workflow_views import add_service_errors, refuse
from concilia.programming.choices import FAMILY_CALL_KINDS, ApplicationUnit, CallKind, CallStatus
from concilia.programming.models import Call, CallOffer

#: What every applicant declares (D.P.R. 445/2000, art. 46-47 and 76), ticked one by one.
DECLARATIONS: tuple[tuple[str, Any], ...] = (
    (
        "truthful",
        gettext_lazy(
            "I declare that the data of my household are true; I know that false declarations are punished "
            "(D.P.R. 445/2000, art. 76) and lose the benefit."
        ),
    ),
    (
        "checks",
        gettext_lazy("I know that the data may be checked with the public registers, INPS and the employers."),
    ),
    (
        "notice",
        gettext_lazy("I have read the privacy notice of the call."),
    ),
)


def visible_applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may open: their household's, and those they filed for a family."""
    return Application.objects.filter(Q(household__owner=user) | Q(filed_by=user)).select_related(
        "call", "household__owner", "child"
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(visible_applications(request.user), pk=pk)


def open_family_calls() -> QuerySet[Call]:
    now = clock.now()
    return Call.objects.filter(
        kind__in=FAMILY_CALL_KINDS, status=CallStatus.OPEN, opens_at__lte=now, closes_at__gt=now
    ).order_by("closes_at", "title")


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    """The family calls open now and the family's own applications."""
    return render(
        request,
        "benefits/calls.html",
        {
            "calls": open_family_calls(),
            "applications": visible_applications(request.user).order_by("-created_at"),
            "household": selectors.household_of(request.user),
        },
    )


@login_required
def call_start(request: HttpRequest, pk: int) -> HttpResponse:
    """A call's page for the family: what it gives, until when; start or resume the application."""
    call = get_object_or_404(open_family_calls(), pk=pk)
    household = selectors.household_of(request.user)
    terms = getattr(call, "family_terms", None)
    per_child = terms is None or terms.application_unit == ApplicationUnit.CHILD
    if request.method == "POST":
        if household is None:
            messages.info(request, _("Create your household first."))
            return HttpResponseRedirect(reverse("benefits:household"))
        child = household.children.filter(pk=request.POST.get("child") or 0).first() if per_child else None
        try:
            application = services.application_start(call=call, household=household, child=child, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))
    existing = visible_applications(request.user).filter(call=call) if household else Application.objects.none()
    return render(
        request,
        "benefits/call_start.html",
        {"call": call, "terms": terms, "household": household, "per_child": per_child, "existing": existing},
    )


class ChildrenForm(forms.Form):
    """One field per child of the household: the weeks of care asked (0: not in this application)."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = getattr(application.call, "family_terms", None)
        per_week = terms is not None and terms.basis == "per_week"
        cap = (terms.max_weeks if terms else None) or 52
        chosen = {row.child_id: row.weeks for row in application.children.all()}
        children = application.household.children.all()
        if application.child_id is not None:
            children = children.filter(pk=application.child_id)
        self.per_week = per_week
        for child in children:
            if per_week:
                self.fields[f"child_{child.pk}"] = forms.IntegerField(
                    label=_("Weeks of care for %(name)s") % {"name": child},
                    min_value=0,
                    max_value=cap,
                    initial=chosen.get(child.pk, 0),
                    help_text=_("0 if the application is not for this child; at most %(max)s.") % {"max": cap},
                    widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                )
            else:
                self.fields[f"child_{child.pk}"] = forms.BooleanField(
                    label=_("The application is for %(name)s") % {"name": child},
                    required=False,
                    initial=child.pk in chosen,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def weeks(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for name, value in self.cleaned_data.items():
            pk = int(name.removeprefix("child_"))
            if self.per_week and value:
                out[pk] = int(value)
            elif not self.per_week and value:
                out[pk] = 0
        return out


class PreferencesForm(forms.Form):
    """The call's offers, in the family's order: one choice per place, the first the most wanted."""

    def __init__(self, *args: Any, application: Application, hits: list[OfferHit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = [str(p.offer_id) for p in application.preferences.order_by("rank")]
        if hits is None:  # a submitted form: every offer of the call
            rows = CallOffer.objects.filter(call=application.call).select_related("offer__service")
            choices = [("", "—")] + [
                (str(r.offer_id), services.offer_name(r.offer)) for r in rows.order_by("offer__service__name", "pk")
            ]
        else:  # the search's offers, nearest first, and those already chosen
            shown = [h.row for h in hits]
            found = {str(r.offer_id) for r in shown}
            shown += CallOffer.objects.filter(
                call=application.call, offer_id__in=[int(c) for c in current if c not in found]
            )
            choices = [("", "—")] + [(str(r.offer_id), services.offer_name(r.offer)) for r in shown]
        total = CallOffer.objects.filter(call=application.call).count()
        for i in range(1, min(total, 5) + 1):
            self.fields[f"choice_{i}"] = forms.ChoiceField(
                label=_("Choice %(n)s") % {"n": i},
                choices=choices,
                required=i == 1,
                initial=current[i - 1] if i <= len(current) else "",
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def offers(self) -> list[int]:
        return [int(v) for k, v in sorted(self.cleaned_data.items()) if v]


class DeclarationsForm(forms.Form):
    attachment_kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=AttachmentKind.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    attachment = forms.FileField(
        label=_("Attach a document (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 5 MB: the ISEE certificate, a disability certificate…"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, text in DECLARATIONS:
            self.fields[f"declare_{code}"] = forms.BooleanField(
                label=text,
                required=False,
                initial=code in (application.declarations or []),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.order_fields([f"declare_{code}" for code, _text in DECLARATIONS])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not all(data.get(f"declare_{code}") for code, _text in DECLARATIONS):
            raise ValidationError(_("Tick every declaration: the application cannot be submitted without them."))
        return data


STEPS = ("children", "preferences", "declarations")


def _steps(application: Application) -> list[tuple[str, Any]]:
    steps: list[tuple[str, Any]] = [("children", _("Children"))]
    if application.call.kind == CallKind.FAMILY_PLACES:
        steps.append(("preferences", _("Preferences")))
    steps.append(("declarations", _("Declarations")))
    return steps


def _next(application: Application, step: str) -> str:
    names = [name for name, _label in _steps(application)]
    after = names[names.index(step) + 1 :] if step in names else []
    return (
        reverse("benefits:application_step", args=[application.pk, after[0]])
        if after
        else reverse("benefits:application", args=[application.pk])
    )


@login_required
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the wizard; saving goes to the next step, the last to the summary."""
    application = _application(request, pk)
    if step not in dict(_steps(application)):
        return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))
    form_class: Any = {"children": ChildrenForm, "preferences": PreferencesForm, "declarations": DeclarationsForm}[step]
    extra: dict[str, Any] = {}
    if step == "preferences" and request.method != "POST":
        extra["hits"] = search_offers(application, request.GET.get("q", ""))
    form = form_class(request.POST or None, request.FILES or None, application=application, **extra)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if step == "children":
                    services.application_set_children(application=application, weeks=form.weeks(), by=request.user)
                elif step == "preferences":
                    services.application_set_preferences(application=application, offers=form.offers(), by=request.user)
                else:
                    services.application_declare(
                        application=application, declarations=[code for code, _t in DECLARATIONS], by=request.user
                    )
                    upload = form.cleaned_data.get("attachment")
                    if upload:
                        services.attachment_add(
                            application=application,
                            kind=form.cleaned_data.get("attachment_kind") or AttachmentKind.OTHER,
                            name=upload.name,
                            content=upload.read(),
                            by=request.user,
                        )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                return HttpResponseRedirect(_next(application, step))
        status = 400
    steps = _steps(application)
    return render(
        request,
        "benefits/application_step.html",
        {
            "application": application,
            "form": form,
            "step": step,
            "steps": steps,
            "position": [name for name, _label in steps].index(step) + 1,
            "title": dict(steps)[step],
            "hits": extra.get("hits"),
            "q": request.GET.get("q", ""),
        },
        status=status,
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary: what the application says, what still stops it (in words), submit, withdraw, receipt."""
    application = _application(request, pk)
    is_open = application.call.status == CallStatus.OPEN and clock.now() < application.call.closes_at
    problems = services.eligibility_problems(application) if is_open else []
    return render(
        request,
        "benefits/application.html",
        {
            "application": application,
            "children": application.children.select_related("child"),
            "preferences": application.preferences.select_related("offer__service"),
            "attachments": application.attachments.all(),
            "versions": application.versions.all(),
            "problems": problems,
            "is_open": is_open,
            "steps": _steps(application),
            "submitted": application.status == ApplicationStatus.SUBMITTED,
        },
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        application.refresh_from_db()
        messages.success(
            request,
            _("Application submitted: protocol %(protocol)s. The receipt is below and on its way by e-mail.")
            % {"protocol": application.protocol},
        )
    return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Application withdrawn."))
    return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))


@login_required
def application_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.protocol_number is None:
        return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))
    response = HttpResponse(receipts.application_receipt_pdf(application), content_type="application/pdf")
    name = application.protocol.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="ricevuta-{name}.pdf"'
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """A document of an application, to those who may open the application (never from a public address)."""
    application = _application(request, pk)
    item = get_object_or_404(Attachment.objects.filter(application=application), pk=attachment)
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _hr_confirmations(user: Any) -> QuerySet[EmploymentConfirmation]:
    """The confirmations asked of the organisations ``user`` is HR for (every one, for the administrator)."""
    scope = scope_of(user)
    rows = EmploymentConfirmation.objects.select_related("adult", "employer", "application__call")
    if scope.is_admin:
        return rows
    return rows.filter(employer_id__in=scope.organisation_ids(Role.COMPANY_HR))


@login_required
def confirmations(request: HttpRequest) -> HttpResponse:
    """The employer's HR area: employments its workers declared in their applications, to confirm or deny."""
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.has_role(Role.COMPANY_HR)):
        raise PermissionDenied(_("Only an employer's HR confirms employments."))
    rows = _hr_confirmations(request.user).order_by("-status", "-created_at")
    return render(request, "benefits/confirmations.html", {"rows": rows})


@login_required
@require_POST
def confirmation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    confirmation = get_object_or_404(_hr_confirmations(request.user), pk=pk)
    try:
        services.employment_decide(
            confirmation=confirmation,
            confirmed=request.POST.get("confirmed") == "1",
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Answer recorded: %(worker)s.") % {"worker": confirmation.adult})
    return HttpResponseRedirect(reverse("benefits:confirmations"))
