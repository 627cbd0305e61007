"""Endpoints of the helpdesk app beside the registers' CRUD routes (mounted at ``/api/helpdesk/``)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
