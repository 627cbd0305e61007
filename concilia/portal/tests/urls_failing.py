"""The site's URLs plus one that fails, for the server-error page's test (``ROOT_URLCONF``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from concilia.urls import handler500
from concilia.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A failure made on purpose by the test")


urlpatterns = [path("guasto/", fail), *site_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
