"""Tables for the list pages and the CSV/XLSX exports (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from concilia.core.tables import detail_column
from concilia.network import models


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True)
    municipality = tables.Column(linkify=True)
    tax_code = tables.Column(visible=False)
    vat_number = tables.Column(visible=False)
    email = tables.Column(visible=False)
    is_example = tables.Column(verbose_name=_("Example"))

    class Meta:
        model = models.Organisation
        fields = (
            "name",
            "kind",
            "sector",
            "size_class",
            "employees",
            "municipality",
            "tax_code",
            "vat_number",
            "is_example",
        )
        order_by = ("name",)

    def render_is_example(self, value: bool) -> str:
        return str(_("Example")) if value else ""

    def value_is_example(self, value: bool) -> str:
        return "1" if value else "0"


class ContactTable(tables.Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)

    class Meta:
        model = models.Contact
        fields = ("name", "role", "organisation", "email", "phone")


class NetworkTable(tables.Table):
    name = tables.Column(linkify=True)
    coordinator = tables.Column(linkify=True)
    merged_into = tables.Column(linkify=True)

    class Meta:
        model = models.Network
        fields = ("name", "coordinator", "agency", "founded_on", "ended_on", "merged_into")


class AgreementTable(tables.Table):
    title = tables.Column(linkify=True)
    network = tables.Column(linkify=True)
    signatory_count = tables.Column(verbose_name=_("Signatories"), accessor="signatories__count", orderable=False)

    class Meta:
        model = models.Agreement
        fields = ("title", "network", "kind", "signed_on", "signed_year")

    def render_signatory_count(self, record: models.Agreement) -> int:
        return len(record.signatories.all())

    def value_signatory_count(self, record: models.Agreement) -> int:
        return len(record.signatories.all())


class MembershipTable(tables.Table):
    organisation = tables.Column(linkify=True)
    network = tables.Column(linkify=True)
    kind = tables.Column(accessor="organisation__kind", verbose_name=_("Kind"))
    sector = tables.Column(accessor="organisation__sector", verbose_name=_("Sector"))
    detail = detail_column("network:membership_detail")

    class Meta:
        model = models.Membership
        fields = ("organisation", "network", "kind", "sector", "role", "joined_on", "left_on")


class AllianceTable(tables.Table):
    name = tables.Column(linkify=True)
    lead = tables.Column(linkify=True)
    network = tables.Column(linkify=True)

    class Meta:
        model = models.Alliance
        fields = ("name", "lead", "network", "formed_on", "ended_on", "open_to_new_partners")


class PartnershipTable(tables.Table):
    organisation = tables.Column(linkify=True)
    alliance = tables.Column(linkify=True)
    sector = tables.Column(accessor="organisation__sector", verbose_name=_("Sector"))
    size_class = tables.Column(accessor="organisation__size_class", verbose_name=_("Size class"))
    detail = detail_column("network:partnership_detail")

    class Meta:
        model = models.Partnership
        fields = ("organisation", "alliance", "role", "sector", "size_class", "joined_on", "left_on")


class JoinRequestTable(tables.Table):
    organisation = tables.Column(linkify=True)
    alliance = tables.Column(linkify=True)
    detail = detail_column("network:joinrequest_detail", _("Open"))

    class Meta:
        model = models.JoinRequest
        fields = ("organisation", "alliance", "status", "created_at", "decided_at")
