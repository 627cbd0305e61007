"""Reflow at a phone's width (375 px) on the pages of each role: nothing scrolls sideways (issue 15, point 7).

The public pages are checked by the accessibility walk (``test_accessibility``); here each role of the
test world logs in and walks, at 375 px, every page of its main menu and the first record each of those
lists links to: no page is wider than the screen and no table hides columns in a scrolling box
(``concilia.core.testing.reflow``). Screenshots of the failures are saved in artifacts/.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from concilia.conftest import ARTIFACTS, ReadOnlySite, World
from concilia.core.testing.pages import Pages, build_pages
from concilia.core.testing.reflow import sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PASSWORD = "password-di-prova"
PHONE = {"width": 375, "height": 812}
ROLES = ("provider", "lead", "coordinator", "admin")
SKIPPED = re.compile(r"^/(admin|api)/")


def build_records(world: World) -> Pages:
    for user in world.users().values():
        if user is not None:
            user.set_password(PASSWORD)
            user.save()
    return build_pages(world)


def same_site_paths(page: Any, selector: str) -> list[str]:
    hrefs = page.locator(selector).evaluate_all("as => as.map(a => a.getAttribute('href') || '')")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if not parts.netloc and href.startswith("/") and not SKIPPED.match(parts.path) and parts.path not in paths:
            paths.append(parts.path)
    return paths


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_of_a_role_reflow_on_a_phone(site_page: Any, read_only_site: ReadOnlySite, role: str) -> None:
    page, base = site_page, read_only_site.url
    user = read_only_site.world.users()[role]
    page.goto(f"{base}/accesso/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.set_viewport_size(PHONE)
    page.goto(base + "/")
    menu = same_site_paths(page, "#main-menu a[href]")
    assert len(menu) >= 5, menu
    walked: list[str] = []
    failures: list[str] = []

    def check(path: str) -> None:
        walked.append(path)
        response = page.goto(base + path)
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            return
        for what in sideways_scroll(page):
            failures.append(f"{path}: {what}")
        if failures and failures[-1].startswith(path):
            page.screenshot(path=str(ARTIFACTS / f"reflow-{role}-{len(walked)}.png"), full_page=True)

    for path in menu:
        check(path)
        records = [p for p in same_site_paths(page, "main table a[href]") if p not in walked and p not in menu]
        if records:
            check(records[0])
    assert not failures, f"{role} at 375 px (walked {len(walked)} pages):\n" + "\n".join(failures)
