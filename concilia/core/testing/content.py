"""What a page must never show a citizen or a staff member: amounts in cents and internal material.

Checked on every page of the walk of each demo role (``portal/tests/test_production.py``), on the demo data
of ``make run``.
"""

from __future__ import annotations

import re

#: A label or text that speaks of cents: amounts are typed and shown in euros.
CENTS = re.compile(r"centesimi|\(cents\)", re.IGNORECASE)
#: Internal research material: raw source-file ids, English research notes, the demo file's name.
INTERNAL = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt|NOT verified|not retrieved|demo\.yaml", re.IGNORECASE)
#: An amount field holding a bare number of cents (a money input shows 45.000,00).
BARE_CENTS_INPUT = re.compile(r'<input\b[^>]*\bname="\w+_cents"[^>]*\bvalue="\d{3,}"')
_CODE = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)

CHECKS = (("cents", CENTS), ("internal material", INTERNAL), ("an amount in cents", BARE_CENTS_INPUT))


def content_problems(url: str, html: str) -> list[str]:
    """What the page at ``url`` shows that it must not, each with the text around it."""
    text = _CODE.sub("", html)  # a library's code is not the page's text
    problems = []
    for name, pattern in CHECKS:
        found = pattern.search(text)
        if found:
            around = text[max(0, found.start() - 60) : found.end() + 60].replace("\n", " ")
            problems.append(f"{url}: {name}: …{around}…")
    return problems
