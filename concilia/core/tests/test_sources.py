"""Sources as citations: a record's ``<seed file>: «quote»`` is shown as the document's title, publisher and
date, linked to the credits page's list, never as the file name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from concilia.core.sources import REFERENCE, SEEDS, cite, cite_lines

PACKAGE = Path(__file__).resolve().parents[2]


def test_a_reference_becomes_a_linked_citation() -> None:
    html = str(cite("003_66da3e585553762c.txt: «La Rete costituita in provincia di Cremona»"))
    assert html == (
        '<a href="/fonti-e-crediti/#fonte-003">Rete territoriale per la conciliazione dei tempi di vita e di '
        "lavoro, ATS Val Padana, 22 maggio 2018</a>: «La Rete costituita in provincia di Cremona»"
    )
    assert ".txt" not in html


def test_text_around_is_kept_and_escaped() -> None:
    html = str(cite_lines("Fonte: 001_5ccb60a0c079e1ed.txt: «Net & Co»\nNota: <b>esempio</b>"))
    assert html.startswith('Fonte: <a href="/fonti-e-crediti/#fonte-001">')
    assert "«Net &amp; Co»<br>Nota: &lt;b&gt;esempio&lt;/b&gt;" in html
    unknown = str(cite("999_0123456789abcdef.txt: «x»"))
    assert "999_" not in unknown and "documento di origine" in unknown


def test_every_reference_of_the_demo_data_names_a_known_document() -> None:
    files = set()
    for path in [*PACKAGE.glob("*/data/*.yaml"), *PACKAGE.glob("*/demo.py")]:
        files |= {m["file"] for m in REFERENCE.finditer(path.read_text(encoding="utf-8"))}
    assert files and files <= SEEDS.keys(), files - SEEDS.keys()
    seeds_dir = PACKAGE.parent.parent / "shared" / "seeds"
    if seeds_dir.is_dir():  # the shared seeds beside the checkout: each one is described
        assert {p.name for p in seeds_dir.glob("*.txt")} == SEEDS.keys()


@pytest.mark.django_db
def test_the_credits_page_lists_each_document_at_its_anchor(client: Client) -> None:
    html = client.get("/fonti-e-crediti/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    for seed in SEEDS.values():
        assert re.search(rf'id="{seed.anchor}"[^>]*><cite>{re.escape(seed.title)}</cite>', html), seed
