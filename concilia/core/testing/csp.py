"""Content-Security-Policy violations seen by a Playwright page, for browser tests to assert there are none.

``violations = watch_csp(page)`` before the first ``page.goto``; then ``assert not violations, violations``
after the steps. Every environment sends the same policy (``CONTENT_SECURITY_POLICY`` in
``concilia/settings/base.py``), so an inline script, an inline event handler or a resource from another
site that the policy blocks in production fails the browser test that meets it.

Two sources feed the list, as strings: Chromium's console message (``console: Refused to execute inline
script because it violates …``), which also reports a policy the browser cannot parse, and the page's
``securitypolicyviolation`` event (``event: script-src-elem blocked 'inline' at https://…/page/:12 …``),
which tells where and shows the start of what was blocked. A violation usually shows in both.
"""

from __future__ import annotations

import itertools
from typing import Any

_names = itertools.count()
SHOWN = 200  # characters of a message or an address (a data: address holds a whole file)


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


# Runs in every document the page opens, before the page's own scripts (the DevTools protocol injects
# it, so the policy does not apply to it).
_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => {
  window[%(name)s]({
    directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber,
    sample: e.sample, disposition: e.disposition, url: document.location.href,
  });
});"""


def watch_csp(page: Any) -> list[str]:
    """Collect the Content-Security-Policy violations of ``page`` (a Playwright sync ``Page``) from now on.

    Call it before navigating: documents opened earlier are not watched. The list fills as the page
    reports; assert on it once the steps are done (the event reaches Python asynchronously).
    """
    violations: list[str] = []
    name = f"__conciliaCspViolation{next(_names)}"

    def on_event(event: dict[str, Any]) -> None:
        where = f"{event.get('source') or event.get('url')}:{event.get('line')}"
        sample = f" ({event['sample']!r})" if event.get("sample") else ""
        report = " [report only]" if event.get("disposition") == "report" else ""
        violations.append(
            f"event: {event.get('directive')} blocked {event.get('blocked')!r} at {where}{sample}{report}"
        )

    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            violations.append(f"console: {_short(text)} ({message.location.get('url', '')})")

    page.expose_function(name, on_event)
    page.add_init_script(_LISTENER % {"name": repr(name)})
    page.on("console", on_console)
    return violations
