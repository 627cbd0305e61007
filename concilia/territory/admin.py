"""Django admin for the territory (loaded by ``concilia load_territory``)."""

from django.contrib import admin

from concilia.core.admin import HistoryAdmin
from concilia.territory import models


@admin.register(models.Municipality)
class MunicipalityAdmin(HistoryAdmin):
    list_display = ("istat_code", "name", "province", "valid_from", "valid_to")
    search_fields = ("name", "istat_code", "cadastral_code")
    list_filter = ("province__region",)


@admin.register(models.HealthAgency)
class HealthAgencyAdmin(HistoryAdmin):
    list_display = ("code", "kind", "name", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(models.District)
class DistrictAdmin(HistoryAdmin):
    list_display = ("code", "name", "lead", "agency")
    search_fields = ("name", "code")
    autocomplete_fields = ("lead", "members")


admin.site.register(models.Region, HistoryAdmin)
admin.site.register(models.Province, HistoryAdmin)
