"""The registers of ``core`` itself: the record of reads of special-category data (read-only, for the admins).

"Who looked at my data?" (art. 15 GDPR) and the controller's check on its staff are a filter here:
by reader, by kind of record and record, by day; exported as CSV or XLSX like every register.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from concilia.core.api import ObjectSerializer, read_only_viewset
from concilia.core.filtersets import BaseFilterSet
from concilia.core.models import SensitiveRead
from concilia.core.permissions import NOTHING, Policy
from concilia.core.permissions import register as register_policy
from concilia.core.registry import Register, register


class SensitiveReadFilterSet(BaseFilterSet):
    search_fields = ("subject", "where", "user__username", "user__last_name")
    day = django_filters.DateFromToRangeFilter(field_name="at__date", label=_("Day"))

    class Meta:
        model = SensitiveRead
        fields = ["q", "user", "model", "object_id", "day"]


class SensitiveReadTable(tables.Table):
    at = tables.DateTimeColumn(linkify=lambda record: record.get_absolute_url(), format="d/m/Y H:i:s")

    class Meta:
        model = SensitiveRead
        fields = ("at", "user", "model", "object_id", "subject", "fields", "where")


class SensitiveReadSerializer(ObjectSerializer):
    class Meta:
        model = SensitiveRead
        fields = ["id", "url", "at", "user", "model", "object_id", "subject", "fields", "where"]


register_policy(SensitiveRead, Policy(view=lambda user: NOTHING))  # the platform administrator only (restrict)
sensitive_reads = register(
    Register(
        model=SensitiveRead,
        slug="letture-dati-sensibili",
        filterset=SensitiveReadFilterSet,
        table=SensitiveReadTable,
        serializer=SensitiveReadSerializer,
        form=None,
        history=False,
        api_slug="sensitive-reads",
        select_related=("user",),
    )
)
sensitive_reads.extra["viewset"] = read_only_viewset(sensitive_reads)
