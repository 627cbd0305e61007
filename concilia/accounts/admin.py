"""Administration of users and their roles (the platform administrator assigns roles here)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from concilia.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ("network", "organisation")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "network", "organisation")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name", "network__name")
    autocomplete_fields = ("user", "network", "organisation")
