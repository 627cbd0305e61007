"""Endpoints of the registry app beside the registers' CRUD routes (mounted at ``/api/registry/``)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
