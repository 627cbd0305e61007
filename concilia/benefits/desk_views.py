"""A help-desk operator files an application on a family's behalf (``/famiglia/sportello/``).

The family comes to the desk (or calls it): the operator finds its household by the tax code of one of
its adults, chooses the open call (and the child, when the call takes one application per child) and
goes on through the same wizard the family uses. The application records who filed it (``filed_by``),
the family sees it in its own area and gets the same messages; the receipt says it was filed at a desk.
Only help-desk operators and the administrator reach these pages (:func:`services.may_file_for`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concilia.benefits import selectors, services
from concilia.benefits.apply_views import open_family_calls
from concilia.benefits.models import Application, Household, validate_person_tax_code
from concilia.core.workflow_views import add_service_errors
from concilia.programming.choices import ApplicationUnit
from concilia.programming.models import Call


class DeskFileForm(forms.Form):
    """Whose application (an adult's tax code), to which open call, and (second step) for which child."""

    tax_code = forms.CharField(
        label=gettext_lazy("Tax code of an adult of the household"),
        max_length=16,
        validators=[validate_person_tax_code],
        widget=forms.TextInput(attrs={"class": "form-control text-uppercase", "autocomplete": "off"}),
    )
    call = forms.ModelChoiceField(
        label=gettext_lazy("Call"),
        queryset=Call.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    # Checked against the households found in clean() (a ChoiceField would check it before they are known).
    target = forms.CharField(label=gettext_lazy("For whom"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = open_family_calls()  # type: ignore[attr-defined]
        self.households: list[Household] = []
        self.target_choices: list[tuple[str, str]] = []

    def clean_tax_code(self) -> str:
        return str(self.cleaned_data["tax_code"]).strip().upper().replace(" ", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, call = data.get("tax_code"), data.get("call")
        if not code or call is None:
            return data
        self.households = list(selectors.households_by_tax_code(code))
        if not self.households:
            self.add_error(
                "tax_code",
                _(
                    "No household has an adult with this tax code. The family signs in (with SPID or CIE) and "
                    "enters its household first; the desk can help it do so."
                ),
            )
            return data
        self.target_choices = self.targets(call)
        self.fields["target"].widget = forms.RadioSelect(choices=self.target_choices)
        return data

    def targets(self, call: Call) -> list[tuple[str, str]]:
        """The households found (and their children, for a call per child) as choices ``household[:child]``."""
        terms = getattr(call, "family_terms", None)
        per_child = terms is None or terms.application_unit == ApplicationUnit.CHILD
        out: list[tuple[str, str]] = []
        for household in self.households:
            family = _("Household of %(name)s") % {"name": household.owner.get_full_name() or household.owner}
            if per_child:
                out += [(f"{household.pk}:{c.pk}", f"{family} — {c}") for c in household.children.all()]
            else:
                out.append((str(household.pk), family))
        return out

    def chosen(self) -> tuple[Household, Any] | None:
        """The household and child chosen, or ``None`` while the operator has still to choose."""
        value = self.cleaned_data.get("target") or ""
        choices = dict(self.target_choices)
        if not value and len(choices) == 1:
            value = next(iter(choices))
        if value not in choices:
            return None
        household_pk, _sep, child_pk = value.partition(":")
        household = next(h for h in self.households if h.pk == int(household_pk))
        child = household.children.get(pk=int(child_pk)) if child_pk else None
        return household, child


def _require_operator(request: HttpRequest) -> None:
    if not services.may_file_for(request.user):
        raise PermissionDenied(_("Only a help-desk operator files applications on a family's behalf."))


@login_required
def desk_file(request: HttpRequest) -> HttpResponse:
    """Find the family, choose the call (and the child), start the application and go on in the wizard."""
    _require_operator(request)
    form = DeskFileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and (choice := form.chosen()) is not None:
            household, child = choice
            try:
                application = services.application_start(
                    call=form.cleaned_data["call"], household=household, child=child, by=request.user
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
                status = 400
            else:
                return HttpResponseRedirect(reverse("benefits:application", args=[application.pk]))
        elif form.errors:
            status = 400
        elif not form.target_choices:
            form.add_error("target", _("The household has no child to apply for: add the child first."))
            status = 400
    filed = (
        Application.objects.filter(filed_by_id=request.user.pk)
        .select_related("call", "household__owner", "child")
        .order_by("-created_at")[:50]
    )
    return render(request, "benefits/desk_file.html", {"form": form, "filed": filed}, status=status)
