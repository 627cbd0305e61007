"""Root URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from concilia.core.api import not_found

urlpatterns = [
    path("", include("concilia.portal.urls")),
    path("territorio/", include("concilia.territory.urls")),
    path("rete/", include("concilia.network.urls")),
    path("catalogo/", include("concilia.services.urls")),
    path("programmazione/", include("concilia.programming.urls")),
    path("babysitter/", include("concilia.registry.urls")),
    path("sportelli/", include("concilia.helpdesk.urls")),
    path("aziende/", include("concilia.workplace.urls")),
    path("api/", include("concilia.core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The console's start-up script is served as a file (?script), not inline: the CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ answers as the API does ({"detail": ...}), not with the site's HTML page.
    re_path(r"^api/.+/$", not_found),
    path("", include("concilia.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Rendered without the request, so that it shows even when the database is what failed.
handler500 = "concilia.portal.views.server_error"
