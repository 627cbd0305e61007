"""Endpoints of the workplace app beside the registers' CRUD routes (mounted at ``/api/workplace/``)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
