"""WCAG 2.1 AA checks with axe-core (from npm, ``make axe``) in a Playwright page.

``assert_accessible(page)`` injects ``node_modules/axe-core/axe.min.js`` into the page, runs axe with
the WCAG 2.0 and 2.1 level A and AA rules, and fails with one readable paragraph per violation: the
rule, its impact, what it asks for, and the selector and HTML of the first offending elements.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
NODES_SHOWN = 3
HTML_SHOWN = 300


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_SCRIPT.relative_to(ROOT)}): run `make axe` (npm ci installs it).", pytrace=False
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


# Evaluated through the DevTools protocol rather than as a <script> tag, so a Content-Security-Policy
# that forbids inline scripts does not stop the check.
_RUN = """async ([source, context, tags]) => {
  if (!window.axe) { (0, eval)(source); }
  const results = await window.axe.run(context || document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return {
    version: results.testEngine.version,
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}"""


def axe_violations(page: Any, *, context: Any = None, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict[str, Any]]:
    """The axe-core violations of ``page`` (optionally only inside ``context``: a selector or axe context)."""
    return page.evaluate(_RUN, [_axe_source(), context, list(tags)])["violations"]


def format_violations(violations: list[dict[str, Any]], *, url: str = "") -> str:
    """One paragraph per violation: rule id, impact, help, then the first nodes' selectors and HTML."""
    lines = [f"{len(violations)} accessibility violation(s) (axe-core, WCAG 2.1 AA){' on ' + url if url else ''}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} element(s)) <{v['helpUrl']}>")
        for node in v["nodes"][:NODES_SHOWN]:
            html = " ".join(node["html"].split())
            if len(html) > HTML_SHOWN:
                html = html[:HTML_SHOWN] + "…"
            lines.append(f"    at {' > '.join(str(t) for t in node['target'])}")
            lines.append(f"       {html}")
            summary = " ".join((node.get("summary") or "").split())
            if summary:
                lines.append(f"       {summary}")
        if len(v["nodes"]) > NODES_SHOWN:
            lines.append(f"    … and {len(v['nodes']) - NODES_SHOWN} more")
    return "\n".join(lines)


def assert_accessible(page: Any, *, context: Any = None) -> None:
    """Fail unless axe-core finds no WCAG 2.0/2.1 A or AA violation in ``page`` (or in ``context``)."""
    violations = axe_violations(page, context=context)
    if violations:
        pytest.fail(format_violations(violations, url=page.url), pytrace=False)
