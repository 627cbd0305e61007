"""Forms of the workplace registers and steps. Statuses change only through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import RestrictedModelForm
from concilia.network.models import Alliance, Network, Organisation
from concilia.workplace import models
from concilia.workplace.permissions import own_organisations


def owner_choices(user: Any) -> Any:
    """Organisations a user may run a survey for: its own, and for a coordinator its networks' organisations."""
    from concilia.core.permissions import scope_of
    from concilia.workplace.permissions import network_organisations

    if user is None or scope_of(user).is_admin:
        return Organisation.objects.all()
    ids = own_organisations(user) | network_organisations(scope_of(user).coordinated_network_ids)
    return Organisation.objects.filter(pk__in=ids)


class MeasureForm(RestrictedModelForm):
    class Meta:
        model = models.Measure
        fields = ["code", "name", "category", "description", "position"]


class CompanyMeasureForm(RestrictedModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from concilia.core.permissions import scope_of

        if user is not None and not scope_of(user).is_admin:
            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=own_organisations(user))  # type: ignore[attr-defined]

    class Meta:
        model = models.CompanyMeasure
        fields = ["organisation", "measure", "since", "until", "employees_covered", "project", "is_public", "note"]


class SurveyForm(RestrictedModelForm):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from concilia.core.permissions import scope_of

        if user is not None and not scope_of(user).is_admin:
            self.fields["owner"].queryset = owner_choices(user)  # type: ignore[attr-defined]
            self.fields["network"].queryset = Network.objects.all()  # type: ignore[attr-defined]
            self.fields["alliance"].queryset = Alliance.objects.all()  # type: ignore[attr-defined]

    class Meta:
        model = models.Survey
        fields = ["title", "intro", "owner", "network", "alliance", "opens_on", "closes_on"]


class QuestionForm(RestrictedModelForm):
    restricted_fields = {"survey": "change"}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        survey_id = self.initial.get("survey") or (self.instance.survey_id if self.instance.pk else None)
        if survey_id:
            self.fields["condition_question"].queryset = models.Question.objects.filter(survey=survey_id)  # type: ignore[attr-defined]
        self.fields["options"].widget = forms.Textarea(attrs={"rows": 5, "class": "form-control"})

    class Meta:
        model = models.Question
        fields = [
            "survey", "position", "code", "text", "help", "kind", "required", "options", "scale_min", "scale_max",
            "scale_min_label", "scale_max_label", "number_min", "number_max", "condition_question",
            "condition_operator", "condition_value",
        ]  # fmt: skip


class InvitationForm(RestrictedModelForm):
    restricted_fields = {"survey": "change"}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["survey"].queryset = self.fields["survey"].queryset.filter(is_template=False)  # type: ignore[attr-defined]

    class Meta:
        model = models.Invitation
        fields = ["survey", "organisation"]


class FromTemplateForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Owner organisation"))
    title = forms.CharField(label=_("Title"), max_length=255)

    def __init__(self, *args: Any, user: Any = None, template: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(user)  # type: ignore[attr-defined]
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.fields["title"].widget.attrs["class"] = "form-control"
        if template is not None:
            self.fields["title"].initial = template.title


class PersonalLinksForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many personal links"),
        min_value=1,
        max_value=models.MAX_CODES_PER_BATCH,
        initial=20,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    format = forms.ChoiceField(
        label=_("File format"),
        choices=[("xlsx", "XLSX"), ("csv", "CSV")],
        initial="xlsx",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.utils.translation import gettext

        super().__init__(*args, **kwargs)
        self.fields["count"].help_text = gettext("At most %(max)s at a time.") % {"max": models.MAX_CODES_PER_BATCH}
