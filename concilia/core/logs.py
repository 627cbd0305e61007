"""Logs without secrets: the codes some addresses carry are replaced before a line is written.

A few pages are reached through a secret in their address instead of a login: a help-desk booking
(``/sportelli/prenotazione/<token>/``), a survey invitation and its personal codes
(``/aziende/questionari/<token>/<code>/``, ``/api/workplace/answer/<token>/<code>/``), a password reset
link (``/accesso/nuova-password/<uid>/<token>/``), a citizen's e-mail confirmation link
(``/cittadini/conferma/<token>/``). Whoever reads a log line with one could act as its
holder, so :class:`RedactSecrets` (a :class:`logging.Filter` on every handler of ``settings.LOGGING``
and of gunicorn's logs, ``concilia/gunicorn.py``) writes ``[…]`` in their place, and drops the values
of the query parameters in :data:`SENSITIVE_PARAMETERS` (an e-mail address typed in a search, a code).

``core/tests/test_logs.py`` walks the URL configuration: a new route with a parameter named like a
secret (:data:`SECRET_PARAMETERS`) that these patterns miss fails the suite.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[…]"

#: Names of the URL parameters that are secrets (the test checks every route that has one).
SECRET_PARAMETERS = frozenset({"token", "code", "uidb64"})

#: Query parameters whose values are never logged.
SENSITIVE_PARAMETERS = frozenset(
    {"token", "code", "email", "e-mail", "password", "codice_fiscale", "tax_code", "isee", "isee_cents"}
)

_SEGMENT = r"[^/\s?#\"']+"
# Each: the fixed beginning, then the secret segments (the numeric ids and page names that share
# the prefix are left alone: /aziende/questionari/12/risultati/, /aziende/questionari/nuovo/).
_PATHS = [
    re.compile(rf"(/sportelli/prenotazione/)({_SEGMENT})"),
    re.compile(rf"(/accesso/nuova-password/)({_SEGMENT})(/{_SEGMENT})?"),
    re.compile(rf"(/cittadini/conferma/)({_SEGMENT})"),
    re.compile(rf"(/api/workplace/answer/)({_SEGMENT})(/{_SEGMENT})?"),
    re.compile(rf"(/aziende/questionari/)(?!\d+/|nuovo/)({_SEGMENT})(/(?!grazie/){_SEGMENT})?"),
]
_NAMES = "|".join(re.escape(p) for p in sorted(SENSITIVE_PARAMETERS))
_QUERY = re.compile(rf"([?&](?:{_NAMES})=)[^&\s#\"']*", re.IGNORECASE)


def _path(match: re.Match[str]) -> str:
    rest = match.group(3) if match.re.groups >= 3 and match.group(3) else ""
    return match.group(1) + REDACTED + ("/" + REDACTED if rest else "")


def redact(text: str) -> str:
    """``text`` with the secrets of the addresses in it replaced by ``[…]``."""
    for pattern in _PATHS:
        text = pattern.sub(_path, text)
    return _QUERY.sub(lambda m: m.group(1) + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrite each record's message (formatted with its arguments) without the secrets; keep the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is still logged, as logging would
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True
