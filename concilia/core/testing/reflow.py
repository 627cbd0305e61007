"""Reflow (WCAG 1.4.10), which axe cannot see: at a phone's width nothing scrolls sideways.

:func:`sideways_scroll` lists what scrolls sideways in a Playwright page: the page itself
(``document.documentElement.scrollWidth`` wider than the window) and every visible scrolling box whose
content is wider than the box (a ``.table-responsive`` region hiding a table's last columns), unless the
box says so with a visible cue (the ``scroll-cue`` class). An empty list means the page reflows.
"""

from __future__ import annotations

from typing import Any

_FIND = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    found.push(`the page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.clientWidth || el.scrollWidth <= el.clientWidth + 1 || el.closest(".scroll-cue")) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (overflow !== "auto" && overflow !== "scroll") continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    found.push(`${name} hides ${el.scrollWidth - el.clientWidth}px sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
  }
  return found;
}"""


def sideways_scroll(page: Any) -> list[str]:
    """What scrolls sideways on ``page`` as shown now (empty when the page reflows)."""
    return list(page.evaluate(_FIND))
