"""The network register's models, each declared once: pages, API, exports and import follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concilia.core.exports import list_links
from concilia.core.registry import MENU, Action, Register, Related, register
from concilia.network import filtersets, forms, models, selectors, tables
from concilia.network.api import serializers
from concilia.network.resources import OrganisationResource


def _network_context(obj: models.Network, request: HttpRequest) -> dict[str, Any]:
    return {
        "members_by_sector": selectors.network_members_by_sector(network=obj, user=request.user),
        "merged_networks": selectors.network_lineage(network=obj),
        "list_links": [
            (_("Members"), list_links("network:membership_list", network=obj.pk, active="active")),
        ],
    }


def _alliance_context(obj: models.Alliance, request: HttpRequest) -> dict[str, Any]:
    return {
        "alliance_members": selectors.alliance_members(alliance=obj),
    }


ORGANISATION_FIELDS = [
    *("name", "short_name", "kind", "sector", "parent", "tax_code", "vat_number", "employees", "size_class"),
    *("address", "postal_code", "municipality", "represents_municipality", "health_agency", "district"),
    *("email", "pec", "phone", "website", "description", "valid_from", "valid_to", "is_example", "source"),
]

organisations = register(
    Register(
        model=models.Organisation,
        slug="organizzazioni",
        filterset=filtersets.OrganisationFilterSet,
        table=tables.OrganisationTable,
        serializer=serializers.OrganisationSerializer,
        form=forms.OrganisationForm,
        select_related=("municipality__province",),
        importer=OrganisationResource,
        detail_fields=ORGANISATION_FIELDS,
    )
)
contacts = register(
    Register(
        model=models.Contact,
        slug="contatti",
        filterset=filtersets.ContactFilterSet,
        table=tables.ContactTable,
        serializer=serializers.ContactSerializer,
        form=forms.ContactForm,
        select_related=("organisation",),
        menu=False,
    )
)
networks = register(
    Register(
        model=models.Network,
        slug="reti",
        filterset=filtersets.NetworkFilterSet,
        table=tables.NetworkTable,
        serializer=serializers.NetworkSerializer,
        form=forms.NetworkForm,
        select_related=("coordinator", "co_coordinator", "agency", "merged_into"),
        prefetch_related=("provinces", "districts"),
        detail_template="network/network_detail.html",
        context=_network_context,
        related=(
            Related(
                _("Agreements"),
                lambda n: n.agreements.select_related("network").prefetch_related("signatories"),
                tables.AgreementTable,
                add_url=lambda n: reverse("network:agreement_add") + f"?network={n.pk}",
            ),
            Related(
                _("Alliances"),
                lambda n: n.alliances.select_related("lead", "network"),
                tables.AllianceTable,
            ),
            Related(
                _("All memberships, past and present"),
                lambda n: n.memberships.select_related("organisation", "network").order_by(
                    "organisation__is_example", "organisation__name"
                ),
                tables.MembershipTable,
                add_url=lambda n: reverse("network:membership_add") + f"?network={n.pk}",
            ),
        ),
        actions=(Action(_("Merge into another network"), "network:network_merge", style="outline-danger"),),
    )
)
agreements = register(
    Register(
        model=models.Agreement,
        slug="accordi",
        filterset=filtersets.AgreementFilterSet,
        table=tables.AgreementTable,
        serializer=serializers.AgreementSerializer,
        form=forms.AgreementForm,
        select_related=("network",),
        prefetch_related=("signatories",),
        related=(
            Related(
                _("Signatories"),
                lambda a: a.signatories.select_related("municipality__province"),
                tables.OrganisationTable,
            ),
            Related(
                _("Memberships through this agreement"),
                lambda a: a.memberships.select_related("organisation", "network"),
                tables.MembershipTable,
            ),
        ),
        menu=False,
    )
)
memberships = register(
    Register(
        model=models.Membership,
        slug="adesioni",
        filterset=filtersets.MembershipFilterSet,
        table=tables.MembershipTable,
        serializer=serializers.MembershipSerializer,
        form=forms.MembershipForm,
        select_related=("organisation", "network", "agreement", "carried_over_from__network"),
        menu=False,
    )
)
alliances = register(
    Register(
        model=models.Alliance,
        slug="alleanze",
        filterset=filtersets.AllianceFilterSet,
        table=tables.AllianceTable,
        serializer=serializers.AllianceSerializer,
        form=forms.AllianceForm,
        select_related=("lead", "network"),
        prefetch_related=("districts", "partnerships__organisation"),
        detail_template="network/alliance_detail.html",
        context=_alliance_context,
        related=(
            Related(
                _("Partners"),
                lambda a: a.partnerships.select_related("organisation", "alliance").order_by(
                    "organisation__is_example", "organisation__name"
                ),
                tables.PartnershipTable,
                add_url=lambda a: reverse("network:partnership_add") + f"?alliance={a.pk}",
            ),
            Related(
                _("Join requests"),
                lambda a: a.join_requests.select_related("organisation", "alliance"),
                tables.JoinRequestTable,
            ),
        ),
    )
)
partnerships = register(
    Register(
        model=models.Partnership,
        slug="partenariati",
        filterset=filtersets.PartnershipFilterSet,
        table=tables.PartnershipTable,
        serializer=serializers.PartnershipSerializer,
        form=forms.PartnershipForm,
        select_related=("organisation", "alliance"),
        menu=False,
    )
)
join_requests = register(
    Register(
        model=models.JoinRequest,
        slug="richieste-adesione",
        filterset=filtersets.JoinRequestFilterSet,
        table=tables.JoinRequestTable,
        serializer=serializers.JoinRequestSerializer,
        select_related=("organisation", "alliance", "requested_by", "decided_by"),
        detail_template="network/joinrequest_detail.html",
        menu=False,
        api_slug="joinrequests",
        extra={"viewset": "concilia.network.api.views.JoinRequestViewSet"},
    )
)

MENU.extend(
    [
        (_("Networks"), "network:network_list", 10),
        (_("Alliances"), "network:alliance_list", 20),
        (_("Organisations"), "network:organisation_list", 30),
    ]
)
