"""The home page leads a family to every public service of the network."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    ["services:search", "services:planner", "registry:search", "helpdesk:public_list", "workplace:measures"],
)
def test_home_links_to_each_public_service_and_the_page_opens(client: Any, url_name: str) -> None:
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    url = reverse(url_name)
    assert f'href="{url}"'.encode() in home.content
    assert client.get(url).status_code == 200
