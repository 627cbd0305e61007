"""Pages of the babysitter registry beside its registers.

The public face — search, profile with the contact form, enrolment — shows only first names, areas,
availability and qualifications of listed babysitters; contacts are never published, messages are
relayed by e-mail. The operator's workflow steps (list, reject, suspend, reinstate, renew) are pages
on the :class:`~concilia.core.workflow_views.WorkflowStep` base.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from concilia.core import clock
from concilia.core.workflow_views import WorkflowStep
from concilia.registry import forms as rforms
from concilia.registry import permissions, selectors, services
from concilia.registry.models import Babysitter, BabysitterRegistry
from concilia.services.models import VoucherScheme
from concilia.territory.models import Municipality


def _add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == "availability":
                target = "availability_text" if "availability_text" in form.fields else None
            form.add_error(target, errors)
    else:
        form.add_error(None, exc)


class SearchView(View):
    """Families look for a babysitter by municipality, day and time, language and voucher."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = clock.today()
        public = Babysitter.objects.public(today)
        municipalities = Municipality.objects.filter(pk__in=public.values("areas")).order_by("name")
        vouchers = VoucherScheme.objects.filter(pk__in=public.values("accepted_vouchers")).order_by("name")
        form = rforms.SearchForm(request.GET or None, municipalities=municipalities, vouchers=vouchers)
        results = None
        if form.is_valid() or not request.GET:
            data = form.cleaned_data if request.GET else {}
            qs = selectors.public_babysitters(
                today=today,
                municipality=data.get("comune"),
                weekday=data.get("giorno"),
                start=data.get("dalle"),
                end=data.get("alle"),
                language=data.get("lingua") or "",
                voucher=data.get("voucher"),
            )
            results = [selectors.public_profile(b, today=today) for b in qs[:100]]
        return render(
            request,
            "registry/search.html",
            {
                "form": form,
                "results": results,
                "manages": permissions.manages_any(request.user),
                "registries": BabysitterRegistry.objects.all(),
            },
        )


class ProfileView(View):
    """A listed babysitter's public page and the form through which a family writes to them."""

    def babysitter(self, pk: int) -> Babysitter:
        return get_object_or_404(
            Babysitter.objects.public().select_related("course", "registry").prefetch_related("areas", "availability",
                                                                                              "accepted_vouchers"),
            pk=pk,
        )  # fmt: skip

    def page(self, request: HttpRequest, b: Babysitter, form: rforms.ContactForm, status: int = 200) -> HttpResponse:
        return render(
            request, "registry/profile.html", {"profile": selectors.public_profile(b), "form": form}, status=status
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(request, self.babysitter(pk), rforms.ContactForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        b = self.babysitter(pk)
        form = rforms.ContactForm(request.POST)
        if not form.is_valid():
            return self.page(request, b, form, status=400)
        if not form.is_spam:  # a robot filled the hidden field: thanked, nothing sent
            try:
                services.contact_relay(
                    babysitter=b,
                    family_name=form.cleaned_data["family_name"],
                    family_email=form.cleaned_data["family_email"],
                    family_phone=form.cleaned_data["family_phone"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                return self.page(request, b, form, status=400)
        messages.success(
            request,
            _("Your message has been sent to %(name)s, who will answer you by e-mail if available.")
            % {"name": b.first_name},
        )
        return HttpResponseRedirect(reverse("registry:profile", args=[b.pk]))


def _municipality_names(registry: BabysitterRegistry | None) -> list[str]:
    """Suggestions for the residence field: the municipalities of the registry's region (any name is accepted)."""
    if registry is None:
        return []
    qs = Municipality.objects.all()
    if registry.province is not None:
        qs = qs.filter(province__region_id=registry.province.region_id)
    return list(qs.order_by("name").values_list("name", flat=True).distinct()[:3000])


class EnrolView(View):
    """The public application form (no login): checked at once, confirmed with a reference number."""

    def registry(self, request: HttpRequest) -> BabysitterRegistry | None:
        registries = list(BabysitterRegistry.objects.order_by("name"))
        wanted = request.GET.get("elenco") or request.POST.get("elenco")
        if wanted and str(wanted).isdigit():
            for r in registries:
                if r.pk == int(wanted):
                    return r
            raise Http404
        return registries[0] if len(registries) == 1 else None

    def page(
        self, request: HttpRequest, registry: BabysitterRegistry | None, form: Any, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "registry/enrol.html",
            {
                "registry": registry,
                "registries": BabysitterRegistry.objects.order_by("name"),
                "form": form,
                "municipality_names": _municipality_names(registry),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        registry = self.registry(request)
        form = rforms.EnrolmentForm(registry=registry) if registry else None
        return self.page(request, registry, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        registry = self.registry(request)
        if registry is None:
            raise Http404
        form = rforms.EnrolmentForm(request.POST, registry=registry)
        if form.is_valid():
            try:
                b = services.babysitter_submit(
                    babysitter=form.instance,
                    areas=form.cleaned_data["areas"],
                    vouchers=form.cleaned_data.get("accepted_vouchers") or [],
                    slots=form.cleaned_data["availability_text"],
                    by=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                request.session["registry_enrolled"] = b.reference
                return HttpResponseRedirect(reverse("registry:enrol_done"))
        return self.page(request, registry, form, status=400)


class EnrolDoneView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        reference = request.session.get("registry_enrolled")
        if not reference:
            return HttpResponseRedirect(reverse("registry:enrol"))
        return render(request, "registry/enrol_done.html", {"reference": reference})


# --- operator's workflow steps -------------------------------------------------------------------


class _Step(WorkflowStep):
    model = Babysitter
    form_class = rforms.NoteForm


class ListStepView(_Step):
    title = gettext_lazy("Verify and list")
    intro = gettext_lazy(
        "Check the documents (course attendance, exam, first-aid certificate, declaration, residence permit): "
        "once listed, the babysitter appears to families for a year."
    )
    button = gettext_lazy("List")

    def perform(self, form: forms.Form) -> str:
        b = services.babysitter_list(babysitter=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return _("Listed until %(date)s.") % {"date": f"{b.expires_on:%d/%m/%Y}"}


class RejectStepView(_Step):
    title = gettext_lazy("Reject the application")
    intro = gettext_lazy("The applicant receives the reason by e-mail.")
    button = gettext_lazy("Reject")
    form_class = rforms.ReasonForm  # type: ignore[assignment]

    def perform(self, form: forms.Form) -> str:
        services.babysitter_reject(babysitter=self.object, by=self.request.user, reason=form.cleaned_data["reason"])
        return _("Application rejected.")


class SuspendStepView(_Step):
    title = gettext_lazy("Suspend the listing")
    intro = gettext_lazy("A suspended babysitter disappears from the public search until reinstated.")
    button = gettext_lazy("Suspend")
    form_class = rforms.ReasonForm  # type: ignore[assignment]

    def perform(self, form: forms.Form) -> str:
        services.babysitter_suspend(babysitter=self.object, by=self.request.user, reason=form.cleaned_data["reason"])
        return _("Listing suspended.")


class ReinstateStepView(_Step):
    title = gettext_lazy("Reinstate the listing")
    intro = gettext_lazy("The listing keeps its expiry date; if it has passed, the listing is expired.")
    button = gettext_lazy("Reinstate")

    def perform(self, form: forms.Form) -> str:
        b = services.babysitter_reinstate(babysitter=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return _("The babysitter is now “%(status)s”.") % {"status": b.get_status_display()}


class RenewStepView(_Step):
    title = gettext_lazy("Renew the listing")
    intro = gettext_lazy(
        "After the refresher, the listing is extended by a year from its expiry (from today if it has expired)."
    )
    button = gettext_lazy("Renew")

    def perform(self, form: forms.Form) -> str:
        b = services.babysitter_renew(babysitter=self.object, by=self.request.user, note=form.cleaned_data["note"])
        return _("Listed until %(date)s.") % {"date": f"{b.expires_on:%d/%m/%Y}"}
