"""The family's own pages (its household, people, ISEE and consents) and the staff's view of a household.

Every page needs a login. A family reaches only its own records (another family's address answers
404); the staff page shows a household to those its policy allows and records the read of its
sensitive data. Writes go through :mod:`concilia.benefits.services`; a refusal is shown on the form.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from concilia.benefits import forms as benefit_forms
from concilia.benefits import models as benefit_models
from concilia.benefits import selectors, services
from concilia.core.forms import RestrictedModelForm
from concilia.core.privacy_notices import CITIZEN_ACCOUNTS, notice_for
from concilia.core.workflow_views import add_service_errors


class NoHousehold(Exception):
    """The account has no household yet: its pages send the family to create it first."""


def _own_household(request: HttpRequest) -> benefit_models.Household:
    household = selectors.household_of(request.user)
    if household is None:
        raise NoHousehold
    return household


class OwnHouseholdMixin(LoginRequiredMixin):
    """A page of the family's own household: without one, the family is sent to create it."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        except NoHousehold:
            messages.info(request, _("Create your household first."))
            return HttpResponseRedirect(reverse("benefits:household"))


class HouseholdView(LoginRequiredMixin, View):
    """``/famiglia/``: the household at a glance, where it lives, and the way to each person's form."""

    def context(self, form: forms.BaseForm) -> dict[str, Any]:
        household = selectors.household_of(self.request.user)
        return {
            "household": household,
            "isee": selectors.isee_of(household) if household else None,
            "form": form,
            "notice": notice_for(CITIZEN_ACCOUNTS),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        household = selectors.household_of(request.user)
        return render(
            request,
            "benefits/household.html",
            self.context(benefit_forms.HouseholdForm(instance=household, user=request.user)),
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        household = selectors.household_of(request.user)
        form = benefit_forms.HouseholdForm(request.POST, instance=household, user=request.user)
        if form.is_valid():
            try:
                services.household_save(
                    owner=request.user,
                    by=request.user,
                    municipality=form.cleaned_data["municipality"],
                    address=form.cleaned_data["address"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Household saved."))
                return HttpResponseRedirect(reverse("benefits:household"))
        return render(request, "benefits/household.html", self.context(form), status=400)


class MemberView(OwnHouseholdMixin, View):
    """Add (no ``pk``) or change one person of the family's household."""

    model: ClassVar[type[models.Model]]
    form_class: ClassVar[type[RestrictedModelForm]]
    title_add: ClassVar[Any]
    title_edit: ClassVar[Any]
    delete_url: ClassVar[str]

    def load(self, request: HttpRequest, pk: int | None) -> tuple[benefit_models.Household, Any]:
        if pk is not None:  # a record of the family's own household, else 404 (whoever asks)
            member = get_object_or_404(self.model._default_manager.filter(household__owner=request.user), pk=pk)
            return member.household, member  # type: ignore[attr-defined]
        household = _own_household(request)
        return household, self.model(household=household)

    def page(self, request: HttpRequest, form: forms.BaseForm, member: Any, status: int = 200) -> HttpResponse:
        return render(
            request,
            "benefits/form.html",
            {
                "form": form,
                "title": self.title_edit if member.pk else self.title_add,
                "object": member,
                "delete_url": reverse(self.delete_url, args=[member.pk]) if member.pk else None,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        _household, member = self.load(request, pk)
        return self.page(request, self.form_class(instance=member, user=request.user), member)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        _household, member = self.load(request, pk)
        form = self.form_class(request.POST, instance=member, user=request.user)
        if form.is_valid():
            try:
                services.member_save(member=form.instance, by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": form.instance})
                return HttpResponseRedirect(reverse("benefits:household"))
        return self.page(request, form, member, status=400)


class AdultView(MemberView):
    model = benefit_models.Adult
    form_class = benefit_forms.AdultForm
    title_add = gettext_lazy("Add an adult")
    title_edit = gettext_lazy("Change an adult's data")
    delete_url = "benefits:adult_delete"


class ChildView(MemberView):
    model = benefit_models.Child
    form_class = benefit_forms.ChildForm
    title_add = gettext_lazy("Add a child")
    title_edit = gettext_lazy("Change a child's data")
    delete_url = "benefits:child_delete"


class DependantView(MemberView):
    model = benefit_models.Dependant
    form_class = benefit_forms.DependantForm
    title_add = gettext_lazy("Add an elderly relative")
    title_edit = gettext_lazy("Change an elderly relative's data")
    delete_url = "benefits:dependant_delete"


class MemberDeleteView(OwnHouseholdMixin, View):
    """Confirm, then remove a person from the household."""

    model: ClassVar[type[models.Model]]

    def load(self, request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(self.model._default_manager.filter(household__owner=request.user), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "benefits/delete.html", {"object": self.load(request, pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.load(request, pk)
        try:
            services.member_remove(member=member, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Removed: %(name)s.") % {"name": member})
        return HttpResponseRedirect(reverse("benefits:household"))


class AdultDeleteView(MemberDeleteView):
    model = benefit_models.Adult


class ChildDeleteView(MemberDeleteView):
    model = benefit_models.Child


class DependantDeleteView(MemberDeleteView):
    model = benefit_models.Dependant


class IseeView(OwnHouseholdMixin, View):
    """``/famiglia/isee/``: enter or replace the household's ISEE certificate."""

    def page(self, request: HttpRequest, form: forms.BaseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "benefits/form.html",
            {
                "form": form,
                "title": _("Your ISEE"),
                "intro": _(
                    "The ISEE certificate gives your household's economic situation; many calls rank by it. "
                    "Only you and the staff who assess your applications see it, and each of their reads is recorded."
                ),
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        household = _own_household(request)
        isee = selectors.isee_of(household)
        initial = (
            {"value_cents": isee.value_cents, "dsu_number": isee.dsu_number, "expires_on": isee.expires_on}
            if isee
            else {}
        )
        return self.page(request, benefit_forms.IseeForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        household = _own_household(request)
        form = benefit_forms.IseeForm(request.POST)
        if form.is_valid():
            try:
                services.isee_save(household=household, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("ISEE saved."))
                return HttpResponseRedirect(reverse("benefits:household"))
        return self.page(request, form, status=400)


@login_required
@require_POST
def consent_give(request: HttpRequest) -> HttpResponse:
    household = selectors.household_of(request.user)
    if household is None:
        messages.info(request, _("Create your household first."))
        return HttpResponseRedirect(reverse("benefits:household"))
    try:
        services.consent_give(household=household, notice=request.POST.get("notice", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consent recorded."))
    return HttpResponseRedirect(reverse("benefits:household"))


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(benefit_models.Consent.objects.filter(household__owner=request.user.pk), pk=pk)
    try:
        services.consent_withdraw(consent=consent, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consent withdrawn."))
    return HttpResponseRedirect(reverse("benefits:household"))


@login_required
def staff_household(request: HttpRequest, pk: int) -> HttpResponse:
    """A household as the staff who may see it see it; the read of its sensitive data is recorded."""
    try:
        household = selectors.household_for_staff(pk=pk, user=request.user, where=request.path)
    except benefit_models.Household.DoesNotExist:
        raise Http404(_("No household here.")) from None
    return render(
        request, "benefits/staff_household.html", {"household": household, "isee": selectors.isee_of(household)}
    )
