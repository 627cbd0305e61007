"""The same checks for every register (NetBox's ``ViewTestCases``): a register supplies a spec.

Each check runs over every role of the test world it is given (``world.users()``: the shared world's
anonymous, plain user, provider, lead, other lead, coordinator, admin; an app's own world brings its
own roles, e.g. the registry's operators) and asserts who is allowed and who is denied, on pages and
on the API: a role that may not see a private record is refused its detail and history pages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from concilia.core.forms import format_euros
from concilia.core.registry import Register


@dataclass
class RegisterSpec:
    register: Register
    new: Callable[[Any], models.Model]
    """Create one more row (used for query counts and deletions)."""
    existing: Callable[[Any], models.Model] | None = None
    """The row the edit checks use (defaults to ``new``)."""
    create_data: Callable[[Any], dict[str, Any]] | None = None
    edit: tuple[str, Any] | None = None
    """A field to change and its new value."""
    can_change: set[str] = field(default_factory=lambda: {"admin"})
    can_delete: set[str] = field(default_factory=lambda: {"admin"})
    """Roles that may delete a row made by ``new``."""
    marker: Callable[[Any], str] = str
    """Text that identifies a row in lists and exports."""
    can_add: set[str] = field(default_factory=lambda: {"admin"})
    creator: str = "admin"
    public: bool = True
    can_view: set[str] | None = None
    """Roles that may open a private record's pages (default: those that may change it)."""

    @property
    def viewers(self) -> set[str]:
        return self.can_change if self.can_view is None else self.can_view

    @property
    def id(self) -> str:
        return self.register.model._meta.label_lower

    def url(self, view: str, *args: Any) -> str:
        return reverse(self.register.url_name(view), args=args)

    def api_url(self, pk: int | None = None) -> str:
        base = f"/api/{self.register.app_label}/{self.register.api_name}/"
        return f"{base}{pk}/" if pk else base

    def get_existing(self, world: Any) -> models.Model:
        return self.existing(world) if self.existing else self.new(world)


def roles_of(world: Any) -> tuple[str, ...]:
    """The roles of the world the checks are given, as its ``users()`` names them."""
    return tuple(world.users())


def client_for(world: Any, role: str) -> Client:
    client = Client()
    user = world.users()[role]
    if user is not None:
        client.force_login(user)
    return client


def expect_denied(response: Any, role: str) -> None:
    """Anonymous users are sent to log in; others get 403 (or 404 for what they cannot even see)."""
    if role == "anonymous":
        assert response.status_code in (302, 401, 403), response.status_code
        if response.status_code == 302:
            assert "/accesso/" in response["Location"]
    else:
        assert response.status_code in (403, 404), response.status_code


def sent_to_login(response: Any) -> bool:
    """A visitor's request for a page it may not see (which it might once logged in): the login page."""
    return response.status_code == 302 and response["Location"].startswith("/accesso/")


def form_data(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, models.Model):
            out[key] = value.pk
        elif isinstance(value, list | tuple):
            out[key] = [v.pk if isinstance(v, models.Model) else v for v in value]
        elif isinstance(value, dt.date | dt.time):
            out[key] = value.isoformat(timespec="minutes") if isinstance(value, dt.time) else value.isoformat()
        elif value is None:
            out[key] = ""
        elif key.endswith("_cents") and isinstance(value, int):
            out[key] = format_euros(value)  # the money field takes euros: 45.000,00
        else:
            out[key] = value
    return out


def api_data(data: dict[str, Any]) -> str:
    """The body a client sends: like a form's, but nulls stay null and amounts stay integer cents (the API's
    ``*_cents`` fields; only the pages take euros)."""
    out = form_data(data)
    for key, value in data.items():
        if value is None or (key.endswith("_cents") and isinstance(value, int)):
            out[key] = value
    return json.dumps(out)


@contextmanager
def writes_recorded(register: Register) -> Iterator[list[str]]:
    """Record the writes that reach the register's writer (``core/writers.py``) while the block runs.

    The register's own writer keeps its rule: a subclass of it adds only the record. The checks below
    assert that every generic create, edit and delete (page and API) went through it: no side door.
    """
    original = register.writer
    calls: list[str] = []

    class Recording(type(original)):  # type: ignore[misc]
        def create(self, **kw: Any) -> Any:
            calls.append("create")
            return super().create(**kw)

        def update(self, **kw: Any) -> Any:
            calls.append("update")
            return super().update(**kw)

        def delete(self, **kw: Any) -> Any:
            calls.append("delete")
            return super().delete(**kw)

    recording = Recording.__new__(Recording)
    recording.__dict__.update(original.__dict__)
    register.writer = recording
    try:
        yield calls
    finally:
        register.writer = original


# --- checks ---------------------------------------------------------------------------------


def check_list_and_detail(spec: RegisterSpec, world: Any) -> None:
    obj = spec.get_existing(world)
    for role in roles_of(world):
        client = client_for(world, role)
        response = client.get(spec.url("list"))
        assert response.status_code == 200, (role, response.status_code)
        detail = client.get(spec.url("detail", obj.pk))
        history = client.get(spec.url("history", obj.pk)) if spec.register.history else None
        if spec.public or role in spec.viewers:
            assert detail.status_code == 200, (role, detail.status_code)
            assert str(obj) in detail.content.decode(), role
            if history is not None:
                assert history.status_code == 200, (role, history.status_code)
        else:
            expect_denied(detail, role)
            if history is not None:
                expect_denied(history, role)
    if spec.public:
        body = client_for(world, "anonymous").get(spec.url("list"), {"q": spec.marker(obj)}).content.decode()
        assert spec.url("detail", obj.pk) in body


def check_export(spec: RegisterSpec, world: Any) -> None:
    """The list exports as CSV and XLSX, the rows the list's search shows (the whole register without one).

    Searched for the record's marker: a register as large as Italy's municipalities (when the worker has
    loaded the territory) would otherwise export thousands of rows twice in every run.
    """
    obj = spec.get_existing(world)
    client = client_for(world, "admin")
    marker = spec.marker(obj)
    everything = (
        client.get(spec.url("list"), {"_export": "csv"})
        if spec.register.model._default_manager.count() <= 500
        else None
    )
    if everything is not None:
        assert everything.status_code == 200 and marker in everything.content.decode("utf-8")
    csv_response = client.get(spec.url("list"), {"_export": "csv", "q": marker})
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = csv_response.content.decode("utf-8")
    assert marker in rows
    if everything is not None:
        assert len(rows) <= len(everything.content.decode("utf-8"))  # the search narrows the export
    xlsx = client.get(spec.url("list"), {"_export": "xlsx", "q": marker})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"  # a zip container, i.e. an XLSX workbook


def check_add_permissions(spec: RegisterSpec, world: Any) -> None:
    if spec.register.form is None:
        return
    for role in roles_of(world):
        response = client_for(world, role).get(spec.url("add"))
        if role in spec.can_add:
            assert response.status_code == 200, (role, response.status_code)
        else:
            expect_denied(response, role)


def check_create(spec: RegisterSpec, world: Any) -> models.Model | None:
    if spec.register.form is None or spec.create_data is None:
        return None
    model = spec.register.model
    data = form_data(spec.create_data(world))  # first: the records it makes are not the one created
    before = set(model._default_manager.values_list("pk", flat=True))
    with writes_recorded(spec.register) as writes:
        response = client_for(world, spec.creator).post(spec.url("add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert writes == ["create"], writes
    created = model._default_manager.exclude(pk__in=before).get()
    if not spec.register.history:
        return created
    record = created.history.first()
    assert record is not None and record.history_type == "+"
    assert record.history_user == world.users()[spec.creator]
    return created


def check_edit(spec: RegisterSpec, world: Any) -> None:
    if spec.register.form is None:
        return
    obj = spec.get_existing(world)
    for role in roles_of(world):
        response = client_for(world, role).get(spec.url("edit", obj.pk))
        if role in spec.can_change:
            assert response.status_code == 200, (role, response.status_code)
        else:
            expect_denied(response, role)
    if spec.edit is None:
        return
    name, value = spec.edit
    role = (
        next(r for r in roles_of(world) if r in spec.can_change and r != "admin")
        if spec.can_change - {"admin"}
        else "admin"
    )
    form = spec.register.form(instance=obj, user=world.users()[role])
    data = {}
    for field_name, bound in form.initial.items():
        if field_name not in form.fields:
            continue
        if isinstance(bound, list):
            data[field_name] = [getattr(v, "pk", v) for v in bound]
        elif bound is None:
            data[field_name] = ""
        elif isinstance(bound, bool) and not bound or hasattr(bound, "storage"):
            continue
        else:
            data[field_name] = getattr(bound, "pk", bound)
    data[name] = value
    denied_role = next((r for r in roles_of(world) if r not in spec.can_change and r != "anonymous"), None)
    if denied_role:
        denied = client_for(world, denied_role).post(spec.url("edit", obj.pk), form_data(data))
        expect_denied(denied, denied_role)
        obj.refresh_from_db()
        assert getattr(obj, name) != value
    with writes_recorded(spec.register) as writes:
        response = client_for(world, role).post(spec.url("edit", obj.pk), form_data(data))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert writes == ["update"], writes
    obj.refresh_from_db()
    assert str(getattr(obj, name)) == str(value)
    if not spec.register.history:
        return
    latest = obj.history.first()
    assert latest.history_type == "~" and latest.history_user == world.users()[role]
    history_page = client_for(world, "admin").get(spec.url("history", obj.pk)).content.decode()
    assert escape(str(value)) in history_page


def check_delete(spec: RegisterSpec, world: Any) -> None:
    if spec.register.form is None:
        return
    for role in roles_of(world):
        obj = spec.new(world)
        with writes_recorded(spec.register) as writes:
            response = client_for(world, role).post(spec.url("delete", obj.pk))
        if role in spec.can_delete:
            assert response.status_code == 302, (role, response.status_code)
            assert writes == ["delete"] and not spec.register.model._default_manager.filter(pk=obj.pk).exists()
        else:
            expect_denied(response, role)
            assert spec.register.model._default_manager.filter(pk=obj.pk).exists()


def check_api(spec: RegisterSpec, world: Any) -> None:
    obj = spec.get_existing(world)
    anonymous = client_for(world, "anonymous")
    listing = anonymous.get(spec.api_url())
    assert listing.status_code == 200
    payload = listing.json()
    assert {"count", "results"} <= payload.keys()
    detail = anonymous.get(spec.api_url(obj.pk))
    assert detail.status_code == (200 if spec.public else 404)
    if spec.create_data is not None and spec.register.form is not None:
        data = api_data(spec.create_data(world))
        for role in roles_of(world):
            if role in spec.can_add:
                continue
            denied = client_for(world, role).post(spec.api_url(), data, content_type="application/json")
            assert denied.status_code in (401, 403), (role, denied.status_code)
        with writes_recorded(spec.register) as writes:
            created = client_for(world, spec.creator).post(spec.api_url(), data, content_type="application/json")
        assert created.status_code == 201, created.content.decode()[:2000]
        assert writes == ["create"], writes
    if spec.edit is not None:
        name, value = spec.edit
        for role in roles_of(world):
            with writes_recorded(spec.register) as writes:
                patch = client_for(world, role).patch(
                    spec.api_url(obj.pk), api_data({name: value}), content_type="application/json"
                )
            if role in spec.can_change:
                assert patch.status_code == 200, (role, patch.status_code, patch.content[:500])
                assert writes == ["update"], writes
            else:
                assert patch.status_code in (401, 403, 404), (role, patch.status_code)


def count_queries(client: Client, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def check_query_counts(spec: RegisterSpec, world: Any) -> None:
    """List pages, API lists and exports cost the same number of queries for 3 rows or 30."""
    client = client_for(world, "coordinator")
    for _ in range(3):
        spec.new(world)
    few = (
        count_queries(client, spec.url("list")),
        count_queries(client, spec.api_url()),
        count_queries(client, spec.url("list"), _export="csv"),
    )
    for _ in range(27):
        spec.new(world)
    many = (
        count_queries(client, spec.url("list")),
        count_queries(client, spec.api_url()),
        count_queries(client, spec.url("list"), _export="csv"),
    )
    assert all(m <= f for f, m in zip(few, many, strict=True)), f"queries grew with rows: {few} -> {many}"


CHECKS = [
    check_list_and_detail,
    check_export,
    check_add_permissions,
    check_create,
    check_edit,
    check_delete,
    check_api,
    check_query_counts,
]
