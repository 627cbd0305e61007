"""One FilterSet per workplace model: list pages, REST API and exports filter alike."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet
from concilia.network.models import Organisation
from concilia.workplace import models
from concilia.workplace.choices import MeasureCategory, QuestionKind, SurveyStatus


class MeasureFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description")
    category = django_filters.ChoiceFilter(choices=MeasureCategory.choices, label=_("Category"))

    class Meta:
        model = models.Measure
        fields = ["q", "category"]


class CompanyMeasureFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "measure__name", "note")
    measure = django_filters.ModelChoiceFilter(queryset=models.Measure.objects.all(), label=_("Measure"))
    category = django_filters.ChoiceFilter(
        field_name="measure__category", choices=MeasureCategory.choices, label=_("Category")
    )
    current = django_filters.BooleanFilter(field_name="until", lookup_expr="isnull", label=_("Still in force"))

    class Meta:
        model = models.CompanyMeasure
        fields = ["q", "measure", "category", "current", "is_public"]


class SurveyFilterSet(BaseFilterSet):
    search_fields = ("title", "intro", "owner__name")
    status = django_filters.ChoiceFilter(choices=SurveyStatus.choices, label=_("Status"))
    owner = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(surveys__isnull=False).distinct(), label=_("Owner organisation")
    )

    class Meta:
        model = models.Survey
        fields = ["q", "status", "is_template", "owner"]


class QuestionFilterSet(BaseFilterSet):
    search_fields = ("code", "text")
    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices, label=_("Kind"))

    class Meta:
        model = models.Question
        fields = ["q", "survey", "kind"]


class InvitationFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "survey__title")

    class Meta:
        model = models.Invitation
        fields = ["q", "survey", "organisation"]
