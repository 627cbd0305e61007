"""FilterSets of the registry's registers: list pages, REST API and exports filter alike."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from concilia.core.filtersets import BaseFilterSet, visible
from concilia.registry import models
from concilia.registry.choices import BabysitterStatus, EventKind


class BabysitterRegistryFilterSet(BaseFilterSet):
    search_fields = ("name", "keeper__name", "network__name")

    class Meta:
        model = models.BabysitterRegistry
        fields = ["network", "keeper"]


class CourseFilterSet(BaseFilterSet):
    search_fields = ("title", "organiser__name", "place")

    class Meta:
        model = models.Course
        fields = ["registry", "organiser"]


class CourseAttendanceFilterSet(BaseFilterSet):
    course = django_filters.ModelChoiceFilter(queryset=visible(models.Course), label=_("Course"))
    search_fields = ("last_name", "first_name", "tax_code")

    class Meta:
        model = models.CourseAttendance
        fields = ["course", "exam_passed"]


class BabysitterFilterSet(BaseFilterSet):
    search_fields = ("first_name", "last_name", "tax_code", "reference", "email")
    status = django_filters.ChoiceFilter(choices=BabysitterStatus.choices, label=_("Status"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte", label=_("Expiring by"))

    class Meta:
        model = models.Babysitter
        fields = ["registry", "status", "course"]


class AvailabilityFilterSet(BaseFilterSet):
    babysitter = django_filters.ModelChoiceFilter(queryset=visible(models.Babysitter), label=_("Babysitter"))

    class Meta:
        model = models.Availability
        fields = ["babysitter", "weekday"]


class BabysitterEventFilterSet(BaseFilterSet):
    babysitter = django_filters.ModelChoiceFilter(queryset=visible(models.Babysitter), label=_("Babysitter"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Event"))

    class Meta:
        model = models.BabysitterEvent
        fields = ["babysitter", "kind"]


class ContactMessageFilterSet(BaseFilterSet):
    babysitter = django_filters.ModelChoiceFilter(queryset=visible(models.Babysitter), label=_("Babysitter"))
    search_fields = ("family_name", "family_email")

    class Meta:
        model = models.ContactMessage
        fields = ["babysitter"]
