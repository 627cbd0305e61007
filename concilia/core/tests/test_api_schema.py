"""The OpenAPI schema and the browsable docs describe every register."""

from __future__ import annotations

import pytest
from django.test import Client

from concilia.core.registry import registers

pytestmark = pytest.mark.django_db


def test_schema_lists_every_register_and_docs_render() -> None:
    client = Client()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for reg in registers():
        assert f"/api/{reg.app_label}/{reg.api_name}/" in paths, reg.name
    assert "/api/network/joinrequests/{id}/decide/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    root = client.get("/api/", HTTP_ACCEPT="application/json")
    assert root.status_code == 200 and "network/networks" in root.json()


def test_api_errors_are_in_italian(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.coordinator)
    response = client.post(
        "/api/network/organisations/",
        {"name": "Impresa Y", "kind": "company", "vat_number": "00732210969"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "partita IVA" in response.json()["vat_number"][0]


def test_schema_is_generated_without_warnings() -> None:
    """Every enum has its own name (settings/enums.py) and every endpoint is described."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert warnings == {}
    enums = schema["components"]["schemas"]
    assert "CallStatusEnum" in enums
    assert not [name for name in enums if name.endswith("Enum") and any(c.isdigit() for c in name)]
