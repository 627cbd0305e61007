"""No secret of an address reaches a log (issue 13): booking, survey and password reset links."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from concilia.core.logs import REDACTED, SECRET_PARAMETERS, redact
from concilia.core.testing.logs import captured_console

SECRET = "Segreto7Kq2"


def secret_routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    """``(name, parameters)`` of every named route with a parameter named like a secret."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from secret_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            parameters = list(getattr(entry.pattern, "converters", {}))
            if SECRET_PARAMETERS & set(parameters):
                yield f"{namespace}{entry.name}", parameters


def test_every_route_with_a_secret_in_its_address_is_redacted() -> None:
    routes = list(secret_routes())
    assert {"helpdesk:booking", "workplace:answer_personal", "password_reset_confirm"} <= {n for n, _p in routes}
    for name, parameters in routes:
        url = reverse(name, kwargs={p: f"{SECRET}{i}" for i, p in enumerate(parameters)})
        line = f'"GET {url}?page=2 HTTP/1.1" 404'
        assert SECRET not in redact(line), f"{name}: {redact(line)}"
        assert REDACTED in redact(line) and "page=2" in redact(line)


@pytest.mark.parametrize(
    "path",
    ["/aziende/questionari/12/risultati/", "/aziende/questionari/nuovo/", "/catalogo/?q=nido&comune=015146"],
)
def test_addresses_without_secrets_are_logged_as_they_are(path: str) -> None:
    assert redact(path) == path


def test_sensitive_query_values_are_dropped() -> None:
    assert redact("/accesso/password-dimenticata/?email=mario.rossi@example.org&x=1") == (
        f"/accesso/password-dimenticata/?email={REDACTED}&x=1"
    )


@pytest.fixture
def console_output() -> Iterator[io.StringIO]:
    with captured_console() as buffer:
        yield buffer


@pytest.mark.django_db
def test_the_request_log_of_refused_secret_links_shows_no_secret(console_output: io.StringIO) -> None:
    client = Client()
    assert client.get(f"/sportelli/prenotazione/{SECRET}/").status_code == 404
    assert client.get(f"/aziende/questionari/{SECRET}/{SECRET}x/").status_code == 404
    assert (
        client.post(f"/api/workplace/answer/{SECRET}/{SECRET}/", {}, content_type="application/json").status_code == 404
    )
    written = console_output.getvalue()
    assert "Not Found: /sportelli/prenotazione/[…]/" in written  # the lines are there, without the secret
    assert SECRET not in written


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_access_log_shows_no_secret(tmp_path: Path) -> None:
    """The production server, with ``-c python:concilia.gunicorn`` as the README says: its access log."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "concilia.settings.dev", "CONCILIA_DATA_DIR": str(tmp_path)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [str(gunicorn), "-c", "python:concilia.gunicorn", "--bind", f"127.0.0.1:{port}", "concilia.wsgi:application"]
    server = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.1)
        for path in (f"/sportelli/prenotazione/{SECRET}/", f"/accesso/nuova-password/MQ/{SECRET}-abc/"):
            # the empty database answers an error page: the access line is what is looked at
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)  # noqa: S310
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    access: list[Any] = [line for line in out.splitlines() if "GET" in line]
    assert len(access) == 2, out + err
    assert all(REDACTED in line for line in access)
    assert SECRET not in out + err
