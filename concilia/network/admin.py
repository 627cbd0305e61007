"""Django admin for the network register (the pages under /rete/ are the everyday interface)."""

from django.contrib import admin

from concilia.core.admin import HistoryAdmin
from concilia.network import models


@admin.register(models.Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ("name", "kind", "size_class", "municipality", "is_example")
    list_filter = ("kind", "sector", "size_class", "is_example")
    search_fields = ("name", "short_name", "tax_code", "vat_number")
    autocomplete_fields = ("parent", "municipality", "represents_municipality")


@admin.register(models.Network)
class NetworkAdmin(HistoryAdmin):
    list_display = ("name", "coordinator", "founded_on", "ended_on", "merged_into")
    search_fields = ("name",)
    autocomplete_fields = ("coordinator", "co_coordinator")


@admin.register(models.Alliance)
class AllianceAdmin(HistoryAdmin):
    list_display = ("name", "lead", "network", "formed_on", "open_to_new_partners")
    search_fields = ("name",)
    autocomplete_fields = ("lead",)


for _model in (models.Agreement, models.Membership, models.Partnership, models.JoinRequest, models.Contact):
    admin.site.register(_model, HistoryAdmin)
