"""Django admin for the territory (loaded by ``concilia load_territory``)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from concilia.territory import models


@admin.register(models.Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ("istat_code", "name", "province", "valid_from", "valid_to")
    search_fields = ("name", "istat_code", "cadastral_code")
    list_filter = ("province__region",)


@admin.register(models.HealthAgency)
class HealthAgencyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "name", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(models.District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "lead", "agency")
    search_fields = ("name", "code")
    autocomplete_fields = ("lead", "members")


admin.site.register(models.Region, SimpleHistoryAdmin)
admin.site.register(models.Province, SimpleHistoryAdmin)
