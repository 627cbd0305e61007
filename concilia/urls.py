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
    path("cittadini/", include("concilia.citizens.urls")),
    path("famiglia/", include("concilia.benefits.urls")),
    path("controllo/", include("concilia.core.urls")),
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
if settings.OIDC_LOCAL_PROVIDER:  # the demo's and the tests' stand-in for SPID and CIE (never in production)
    from concilia.citizens.idp import urls as idp_urls

    _idp = settings.OIDC_LOCAL_PROVIDER_PATH.strip("/") + "/"
    urlpatterns += [
        path(_idp, include((idp_urls.provider_patterns, "oidc_provider"))),
        path(_idp, include((idp_urls.urlpatterns, "citizens_idp"))),
    ]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Rendered without the request, so that it shows even when the database is what failed.
handler500 = "concilia.portal.views.server_error"
