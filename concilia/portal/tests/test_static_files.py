"""Production's static files travel compressed and are cached for ever (issue 15, point 14).

With the production settings and a ``collectstatic`` run (the ``production`` fixture of
``test_production``), a file a page links is answered under its hashed name, brotli-compressed to a
browser that accepts it (gzip to one that does not), with a far-future, immutable cache header.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from concilia.portal.tests.test_production import https_client, production  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
FOREVER = re.compile(r"max-age=(\d+)")


@pytest.mark.parametrize(
    ("accepted", "encoding"), [("br, gzip, deflate", "br"), ("gzip, deflate", "gzip"), ("identity", None)]
)
def test_a_production_static_file_is_compressed_and_cached_for_ever(
    production: dict[str, Any],  # noqa: F811 - the fixture imported above
    accepted: str,
    encoding: str | None,
) -> None:
    url = staticfiles_storage.url("js/bootstrap-italia.bundle.min.js")
    assert re.search(r"bootstrap-italia\.bundle\.min\.[0-9a-f]{12}\.js$", url)  # cache-busted
    response = https_client().get(url, headers={"Accept-Encoding": accepted})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    size = int(response.headers["Content-Length"])
    if encoding == "br":
        assert size < 300_000  # 1 MB of JavaScript, 0.23 MB as brotli (0.29 MB as gzip)
    cache = response.headers["Cache-Control"]
    assert "immutable" in cache and int(FOREVER.search(cache).group(1)) >= 365 * 24 * 3600, cache  # type: ignore[union-attr]
    assert "Accept-Encoding" in response.headers.get("Vary", "")
