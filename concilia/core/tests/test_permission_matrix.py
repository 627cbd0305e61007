"""The permission matrix (``core/testing/matrix.py``): every page and API operation × every role × both sides.

Given the two-sided world of :func:`matrix.build_world`, built once for the module (and rolled back at its end),
when each role requests each classified route with the ``own`` side's record and (for the roles whose
scope is one side) the ``other`` side's, then the outcome is the one the rules declare, and a refused
request wrote nothing. Each request runs in a savepoint that is rolled back, so an allowed write (a
deletion, a workflow step) never changes the world the next request sees.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver

from concilia.core.testing import matrix

pytestmark = pytest.mark.django_db(transaction=False)

PAGE_METHODS = ("GET", "POST")  # what a page's forms and links send (a FormView's PUT is its POST again)
SAFE = ("GET", "HEAD", "OPTIONS")


def _page_routes() -> list[matrix.Route]:
    described = matrix.api_endpoints()
    return [
        r
        for r in matrix.routes()
        if not (r.is_api and (r.view in described or r.is_format_suffix)) and matrix.page_rule(r) is not None
    ]


PAGES = _page_routes()
OPERATIONS = [op for op in matrix.operations() if matrix.operation_rule(op) is not None]


def test_every_route_and_operation_is_classified() -> None:
    missing = matrix.unclassified()
    assert not missing, "routes and operations without a rule in core/testing/matrix.py:\n" + "\n".join(missing)


class MatrixClient(Client):
    """The test client without its record of the templates and contexts rendered (copied at every template,
    the costliest part of a request here), keeping the exception of a 500 for the report."""

    def request(self, **request: Any) -> Any:
        environ = self._base_environ(**request)
        caught: list[Any] = []

        def on_exception(**kw: Any) -> None:
            caught.append(sys.exc_info())

        got_request_exception.connect(on_exception, dispatch_uid="matrix-client")
        try:
            response = self.handler(environ)
        finally:
            got_request_exception.disconnect(dispatch_uid="matrix-client")
        response.exc_info = caught[0] if caught else None
        return response


def _plain_refusal(request: Any, exception: Any = None) -> HttpResponse:
    return HttpResponse(status=403)


def _plain_not_found(request: Any, exception: Any = None) -> HttpResponse:
    return HttpResponse(status=404)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[matrix.World, dict[str, str]]]:
    """The world and a signed-in session per role, built once and rolled back after the module's tests.

    The 403 and 404 pages are answered without their template here: the matrix reads only the status, and
    rendering the site's frame for thousands of refusals would be most of its time (the error pages have
    their own tests).
    """
    original = URLResolver.resolve_error_handler

    def handler(self: URLResolver, view_type: int) -> Any:
        return {403: _plain_refusal, 404: _plain_not_found}.get(view_type) or original(self, view_type)

    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(URLResolver, "resolve_error_handler", handler)
        built = matrix.build_world()
        sessions: dict[str, str] = {}
        for role, user in built.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                client.get("/")  # the session's stamps (core.middleware.SessionLifetimeMiddleware), saved now
                sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built, sessions
        transaction.set_rollback(True)


_CLIENTS: dict[str, Client] = {}


def _client(sessions: dict[str, str], role: str) -> Client:
    """The role's client, with only its session cookie (a logout or a language choice must not carry over).

    One client per role keeps its handler, whose middleware (WhiteNoise's index of the static files) is
    costly to load. The session row was written once with the world; a request that deletes it (logout)
    is rolled back.
    """
    client = _CLIENTS.get(role)
    if client is None:
        client = _CLIENTS[role] = MatrixClient()
    client.cookies = SimpleCookie()
    if role in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def _request(client: Client, method: str, path: str, body: dict[str, Any] | None, *, api: bool) -> Any:
    if api:
        if method in SAFE:
            return client.generic(method, path, HTTP_ACCEPT="application/json")
        return client.generic(
            method, path, json.dumps(body or {}), content_type="application/json", HTTP_ACCEPT="application/json"
        )
    if method == "GET":
        return client.get(path)
    return client.post(path, body or {})


def _try(
    world: matrix.World,
    sessions: dict[str, str],
    rule: matrix.Rule,
    pattern: str,
    methods: tuple[str, ...],
    *,
    api: bool,
) -> tuple[int, list[str]]:
    """Every (method, role, side) case of one route: the number tried and the mismatches, described."""
    problems: list[str] = []
    tried = 0
    for method in methods:
        for role, side in matrix.cases(rule, pattern):
            path = matrix.fill(pattern, matrix.route_values(world, rule, side, pattern))
            body = rule.body(world, side) if rule.body is not None else None
            expected = rule.expect(role, side, api=api, safe=method in SAFE)
            client = _client(sessions, role)
            with CaptureQueriesContext(connection) as ctx, transaction.atomic():
                try:
                    response = _request(client, method, path, body, api=api)
                finally:
                    transaction.set_rollback(True)  # an allowed write must not change the next case's world
            tried += 1
            got = matrix.outcome_of(response, api=api)
            where = f"{method} {path} as {role} on the {side} side"
            if not matrix.same(expected, got, role, api):
                shown = got.value if got is not None else f"HTTP {response.status_code}"
                error = getattr(response, "exc_info", None)
                extra = f" ({error[1]!r})" if error else ""
                problems.append(f"{where}: expected {expected.value}, got {shown}{extra}")
            if got in (matrix.Outcome.LOGIN, matrix.Outcome.FORBIDDEN, matrix.Outcome.NOT_FOUND):
                # Refused: nothing written. matrix.WRITABLE lets through the session (a message for the next
                # page), the login lockout's log and the throttles' counters, which a request updates before
                # the view decides and which hold no domain data.
                written = matrix.writes(ctx.captured_queries)
                if written:
                    problems.append(f"{where}: refused ({got.value}) but wrote {written}")
    return tried, problems


#: Deviations the matrix found and that are not fixed yet: each is a refusal the rules require and the
#: application does not give (reported; strict, so the test fails once the application is fixed).
KNOWN: dict[str, str] = {
    "programming_conflicts_update": "the admin's PUT is answered 400, though the writer refuses every update",
}


def _known(ids: list[str], values: list[Any]) -> list[Any]:
    return [
        pytest.param(v, id=i, marks=pytest.mark.xfail(strict=True, reason=KNOWN[i]))
        if i in KNOWN
        else pytest.param(v, id=i)
        for i, v in zip(ids, values, strict=True)
    ]


@pytest.mark.parametrize("route", _known([r.name or r.pattern for r in PAGES], PAGES))
def test_page(route: matrix.Route, world: tuple[matrix.World, dict[str, str]]) -> None:
    rule = matrix.page_rule(route)
    assert rule is not None
    methods = rule.methods if rule.methods is not None else tuple(m for m in route.methods() if m in PAGE_METHODS)
    _tried, problems = _try(*world, rule, route.pattern, methods, api=False)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("operation", _known([op.id for op in OPERATIONS], OPERATIONS))
def test_operation(operation: matrix.Operation, world: tuple[matrix.World, dict[str, str]]) -> None:
    rule = matrix.operation_rule(operation)
    assert rule is not None
    _tried, problems = _try(*world, rule, operation.path.lstrip("/"), (operation.method,), api=True)
    assert not problems, "\n".join(problems)
