"""Files a browser asks for on its own: /favicon.ico answers (a redirect to the static icon)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_static_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/static/concilia/favicon") and location.endswith(".ico")
    assert finders.find("concilia/favicon.ico")
    served = Client().get(location)
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content])[:4] == b"\x00\x00\x01\x00"
