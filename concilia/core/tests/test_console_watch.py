"""The browser fixtures fail on console errors: what :func:`watch_console` collects and what it leaves out."""

from __future__ import annotations

from typing import Any

import pytest

from concilia.core.testing.console import watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_console_errors_and_exceptions_are_collected_but_not_the_pages_own_status(
    chromium: Any, live_server: Any
) -> None:
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors = watch_console(page)
        page.goto(f"{live_server.url}/pagina-che-non-esiste/")  # a 404 page: its status is what a test checks
        assert errors == []
        page.set_content(f'<img src="{live_server.url}/static/manca.png" alt="">')
        page.evaluate("setTimeout(() => { console.error('qualcosa non va'); document.querySelector('#'); })")
        page.wait_for_timeout(300)
        text = "\n".join(errors)
        assert "qualcosa non va" in text
        assert "'#' is not a valid selector" in text and "pageerror" in text
        assert "status of 404" in text  # a missing image is a broken part of the page
    finally:
        context.close()
