"""The page-content check of the role walks finds the faults it is for (so a clean walk means something)."""

from __future__ import annotations

from concilia.core.testing.content import content_problems


def test_cents_and_internal_material_are_found() -> None:
    assert content_problems("/a/", "<label>Contributo richiesto (centesimi)</label>")[0].startswith("/a/: cents")
    assert content_problems("/b/", "<p>003_66da3e585553762c.txt: «Allegato»</p>")
    assert content_problems("/c/", "<p>Allegato not retrieved</p>")
    assert content_problems("/d/", "<p>Fonte (vedi services/data/demo.yaml)</p>")
    assert content_problems("/e/", '<input type="number" name="requested_cents" value="4500000">')


def test_what_a_page_may_show_passes() -> None:
    page = (
        '<input type="text" name="requested_cents" value="45.000,00" inputmode="decimal">'
        "<p>Contributo richiesto € 45.000,00 · non indicato</p>"
        '<script>const cents = "centesimi";</script>'
    )
    assert content_problems("/f/", page) == []
