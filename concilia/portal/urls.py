import re

from django.urls import path, register_converter

from concilia.core.privacy_notices import NOTICES
from concilia.portal import area, views


class NoticeSlugConverter:
    """Only the slugs of the privacy notices: another page under /privacy/ stays reachable (the portal's
    patterns come first), and a template naming a notice that does not exist fails to reverse."""

    regex = "|".join(re.escape(notice.slug) for notice in NOTICES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(NoticeSlugConverter, "privacy_notice")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("area/", area.work_area, name="area"),
    path("fonti-e-crediti/", views.credits, name="credits"),
    path("contatti/", views.contacts, name="contacts"),
    path("privacy/", views.privacy_index, name="privacy_index"),
    path("privacy/<privacy_notice:slug>/", views.privacy_notice, name="privacy_notice"),
    path("favicon.ico", views.favicon, name="favicon"),
]
