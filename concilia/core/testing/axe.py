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


# Two things axe-core does not see: an aria-describedby / aria-labelledby naming an id that is not on the page
# (the hint or error is then never read), and a field's error said twice (beside it and again in the summary,
# or twice beside it).
_REFERENCES = """() => {
  const problems = [];
  const norm = (t) => (t || "").replace(/\\s+/g, " ").trim();
  for (const attr of ["aria-describedby", "aria-labelledby"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          problems.push(`${attr}="${id}" names no element: ${el.outerHTML.slice(0, 200)}`);
        }
      }
    }
  }
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    const ids = el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean);
    const errors = ids.map((id) => document.getElementById(id))
      .filter((e) => e && (el.getAttribute("aria-invalid") === "true" || /error/.test(e.id + " " + e.className)));
    const name = el.id ? `#${el.id}` : el.outerHTML.slice(0, 80);
    for (const error of errors) {
      const items = error.querySelectorAll("li").length ? [...error.querySelectorAll("li")] : [error];
      for (const item of items) {
        const text = norm(item.textContent);
        if (!text) continue;
        // Where else the page says it for this field: a summary entry linking to the field, or the field's box.
        let count = 0;
        const box = error.parentElement;
        for (const node of box.querySelectorAll("li, p, span, div, small")) {
          if (node.children.length === 0 && norm(node.textContent) === text) count += 1;
        }
        if (el.id) {
          for (const a of document.querySelectorAll(`a[href="#${CSS.escape(el.id)}"]`)) {
            const entry = a.closest("li") || a.parentElement;
            if (norm(entry.textContent).includes(text)) count += 1;
          }
        }
        if (count > 1) problems.push(`the error "${text}" of ${name} is said ${count} times`);
      }
    }
  }
  return problems;
}"""


def reference_problems(page: Any) -> list[str]:
    """Broken aria-describedby / aria-labelledby references and errors said more than once for one field."""
    return list(dict.fromkeys(page.evaluate(_REFERENCES)))


def assert_accessible(page: Any, *, context: Any = None) -> None:
    """Fail unless axe-core finds no WCAG 2.0/2.1 A or AA violation in ``page`` (or in ``context``), no
    aria-describedby/labelledby names a missing id, and no field's error is said twice."""
    violations = axe_violations(page, context=context)
    if violations:
        pytest.fail(format_violations(violations, url=page.url), pytrace=False)
    problems = reference_problems(page)
    if problems:
        pytest.fail(f"Form problems on {page.url}:\n- " + "\n- ".join(problems), pytrace=False)
