"""Citizens' profiles and identities in the admin site (made by the registrations and the logins)."""

from django.contrib import admin

from concilia.citizens.models import Citizen, CitizenIdentity


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ("user", "email_verified_at", "privacy_accepted_at")
    search_fields = ("user__username", "user__email", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(CitizenIdentity)
class CitizenIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "issuer", "subject", "last_login_at")
    search_fields = ("user__username", "user__last_name", "subject", "tax_code")
    list_filter = ("issuer",)
    raw_id_fields = ("user",)
