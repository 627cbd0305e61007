"""The seed documents the demo data is built from, and how a record's source is shown as a citation.

The demo records store where each fact comes from as ``<seed file>: «quote»`` (the loaders of every app
write it so; the API and exports keep it as stored). A page never shows the file name: :func:`cite` turns
each such reference into a readable citation (title, publisher, date where the document states one)
linked to the list of sources on the credits page.

Each document's title, publisher and date are read from the document itself (``../shared/seeds/``): its
heading, its footer or masthead, its "last updated" line; where a document does not state one, it is not
invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Seed:
    number: str
    title: str
    publisher: str
    date: str = ""  # as the document states it

    @property
    def anchor(self) -> str:
        return f"fonte-{self.number}"

    def label(self) -> str:
        parts = [self.title, self.publisher, self.date]
        return ", ".join(p for p in parts if p)


SEEDS: dict[str, Seed] = {
    # The heading of the article; the masthead at its end ("MilanoToday è in caricamento").
    "000_65bffa50458015ae.txt": Seed("000", "Conciliazione in pratica: incontro a palazzo Isimbardi", "MilanoToday"),
    # The page heading; the footer "© 2001-2015 Comune di Sesto San Giovanni".
    "001_5ccb60a0c079e1ed.txt": Seed(
        "001",
        "Conciliare vita e lavoro: il secondo piano territoriale per la conciliazione",
        "Comune di Sesto San Giovanni",
    ),  # fmt: skip
    # The page heading ("Conciliazione vita-lavoro"); the page does not name its portal: the Milan territory's,
    # whose plans it lists, credited to Città metropolitana di Milano on the credits page since the first demo.
    "002_b57e5c8540692390.txt": Seed("002", "Conciliazione vita-lavoro", "Città metropolitana di Milano"),
    # The page heading and its "Ultimo aggiornamento 22-05-2018"; the network the ATS coordinates.
    "003_66da3e585553762c.txt": Seed(
        "003",
        "Rete territoriale per la conciliazione dei tempi di vita e di lavoro",
        "ATS Val Padana",
        "22 maggio 2018",
    ),
    # The heading "GOVERNARE GLI EQUILIBRI"; the contacts at its end (comunicazione@assemi.it).
    "004_7a4330d943c9dc7d.txt": Seed("004", "Governare gli equilibri", "A.S.S.E.MI. Azienda Sociale Sud Est Milano"),
}

#: A stored reference: the seed's file name, a colon, the quote in «».
REFERENCE = re.compile(r"(?P<file>\d{3}_[0-9a-f]{16}\.txt)(?::\s*«(?P<quote>[^»]*)»)?")


def has_reference(text: str) -> bool:
    return bool(text) and REFERENCE.search(text) is not None


def cite_lines(text: str) -> SafeString:
    """:func:`cite` of a text of several lines, the lines kept."""
    return mark_safe("<br>".join(str(cite(line)) for line in (text or "").splitlines()))  # noqa: S308 - cite escapes


def cite(text: str) -> SafeString:
    """``text`` with every seed reference shown as a citation linked to the credits page's list of sources."""
    credits = reverse("portal:credits")
    out: list[str] = []
    last = 0
    for match in REFERENCE.finditer(text or ""):
        out.append(conditional_escape(text[last : match.start()]))
        seed = SEEDS.get(match["file"])
        if seed is None:  # an unknown file: no citation to give, and no file name either
            label, href = "documento di origine", credits
        else:
            label, href = seed.label(), f"{credits}#{seed.anchor}"
        quote = match["quote"]
        out.append(
            format_html('<a href="{}">{}</a>: «{}»', href, label, quote)
            if quote is not None
            else format_html('<a href="{}">{}</a>', href, label)
        )
        last = match.end()
    out.append(conditional_escape((text or "")[last:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 - every part escaped or format_html above
