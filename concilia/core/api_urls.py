"""The REST API: a router over every register's viewset, plus app-specific extra routes."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from concilia.core.registry import registers

router = DefaultRouter()
for _reg in registers():
    router.register(f"{_reg.app_label}/{_reg.api_name}", _reg.viewset(), basename=f"{_reg.app_label}-{_reg.name}")

urlpatterns = [
    path("services/", include("concilia.services.api.urls")),
    path("programming/", include("concilia.programming.api.urls")),
    path("registry/", include("concilia.registry.api.urls")),
    path("helpdesk/", include("concilia.helpdesk.api.urls")),
    path("workplace/", include("concilia.workplace.api.urls")),
    path("benefits/", include("concilia.benefits.api.urls")),
    path("", include(router.urls)),
]
