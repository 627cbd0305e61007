"""Property-based fuzzing of the whole REST API from its OpenAPI schema (Schemathesis).

Given the schema the site serves at ``/api/schema/``, Schemathesis generates requests for every
operation in it, valid ones and invalid ones, and sends them to the WSGI application in this process
(no live server): as a platform administrator (HTTP Basic), and the first example of each operation
also anonymously and as a user of one other role (each role answers a share of the operations). Then every answer

- is not a 5xx: bad input gets a 4xx with its reason, never a 500;
- has a status code, a content type, headers and a body that the schema describes for it;
- refuses input the schema calls invalid (a 4xx), except a read's filters (see :func:`rejects_invalid_input`);
- where the schema says authentication is required, is refused without it.

The budget is small (CI has two cores): two examples per operation, derandomized so that every run
sends the same requests. For a deeper search locally: ``CONCILIA_FUZZ_EXAMPLES=50``.
"""

from __future__ import annotations

import base64
import os
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from concilia.accounts.choices import Role
from concilia.conftest import build_world
from concilia.core.registry import registers
from concilia.core.testing import factories as f
from concilia.helpdesk.tests import factories as hf
from concilia.programming.tests import factories as pf
from concilia.services.tests import factories as sf

ADMIN = "amministratore-fuzz"
PASSWORD = "password-di-prova"  # the factories' password

application = get_wsgi_application()
# The schema as served (JSON: YAML is the view's default), read with no database (anonymous, no session).
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", application, headers={"Accept": "application/vnd.oai.openapi+json"}
)
# The credentials are ours (a platform administrator's, or none), not generated from the security schemes.
schema.config.generation.update(with_security_parameters=False)
# The coverage phase sends dozens of boundary cases per operation: minutes for the ~370 operations, over
# the suite's budget. The schema has no examples: only the fuzzing phase runs.
schema.config.phases.coverage.enabled = False
schema.config.phases.examples.enabled = False

FUZZ = {"deadline": None, "derandomize": True, "database": None, "suppress_health_check": list(HealthCheck)}


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def rejects_invalid_input(ctx: Any, response: Any, case: Any) -> bool | None:
    """``negative_data_rejection``, except for a read whose only invalid values are query parameters.

    The filters of a list follow the convention of the pages' filter forms (django-filter): an empty
    value means "not filtered", and a number filter takes any number, also beyond the bounds the
    schema copies from the model field (``signed_year_max=-5`` finds nothing, which is the right
    answer). Such a read answers 200; a filter value that cannot be read at all is still a 400, and
    bodies and paths are always checked (but see the partial form update below).
    """
    meta = case.meta
    if case.method.upper() == "PATCH" and (case.media_type or "").startswith(FORM_TYPES):
        # DRF reads an HTML form's empty value of a field a partial update does not require as "not sent"
        # (Field.get_value): PATCH title="" as a form leaves the title as it was, which is no wrong acceptance.
        return None
    if meta is not None and case.method.upper() == "GET":
        negated = {location for location, info in meta.components.items() if info.mode.is_negative}
        if negated and negated <= {ParameterLocation.QUERY}:
            return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    rejects_invalid_input,
    ignored_auth,
]
# Not run: positive_data_acceptance (a schema-valid body names ids of records that do not exist and
# breaks rules a schema cannot state, e.g. a closing date after the opening one: 400 is right), and the
# stateful checks (use_after_free, ensure_resource_availability), which need sequences of calls.

#: The list route of each register -> its model, to point generated ids at real records.
MODELS = {f"/api/{r.app_label}/{r.api_name}/": r.model for r in registers()}


@pytest.fixture(scope="module")
def records(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A few records of each app, made once for the module inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (``db``), so what one operation creates, changes or
    deletes is undone before the next.
    """
    # As Django's test client does: the handler's request_started/finished signals would close the
    # connection, and with it the test's transaction (PostgreSQL: "the connection is closed").
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield _make_records()
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _make_records() -> None:
    world = build_world()
    f.user_with_role(Role.PLATFORM_ADMIN, username=ADMIN)
    # One user per role of the platform (the world's, and those it lacks), each answering a share of the operations.
    f.user_with_role(Role.DESK_OPERATOR, organisation=world.lead_org, username="fuzz-desk_operator")
    f.user_with_role(Role.REGISTRY_OPERATOR, organisation=world.lead_org, username="fuzz-registry_operator")
    f.user_with_role(Role.COMPANY_HR, organisation=world.provider_org, username="fuzz-company_hr")
    for name, user in world.users().items():
        if user is not None and name in ROLE_USERS:
            user.username = ROLE_USERS[name]
            user.save(update_fields=["username"])
    plan = pf.funded_plan(network=world.network)
    call = pf.open_call(plan=plan)
    pf.CriterionFactory(call=call)
    pf.ProposalFactory(call=call, alliance=world.alliance)
    desk = hf.desk(world, organisation=world.lead_org)
    hf.appointment(desk)
    hf.referral(hf.case(desk))
    service = sf.ServiceFactory(provider=world.provider_org)
    sf.OfferFactory(service=service)
    sf.FeeFactory(service=service)


def point_at_records(case: Any) -> None:
    """Half the generated integer ids (the even ones) become the id of a record of that register."""
    ident = (case.path_parameters or {}).get("id")
    if not isinstance(ident, int) or isinstance(ident, bool) or ident % 2:
        return
    model = MODELS.get(case.operation.path.split("{")[0])
    if model is not None:
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            case.path_parameters["id"] = pk


def basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()


BASIC = basic(ADMIN)
#: The world's users renamed for the fuzz (world role -> user name), and the users added for the other roles.
ROLE_USERS = {r: f"fuzz-{r}" for r in ("plain", "provider", "lead", "other_lead", "coordinator")}
ROLE_NAMES = (*ROLE_USERS.values(), "fuzz-desk_operator", "fuzz-registry_operator", "fuzz-company_hr")


def role_for(label: str) -> str:
    """The user that sends an operation's first example besides the administrator: a stable choice per
    operation, so that every role answers a share of the operations (about 40 each)."""
    return ROLE_NAMES[zlib.crc32(label.encode()) % len(ROLE_NAMES)]


#: Examples per operation: 2 in the suite (about 370 operations); more for a deeper local search.
EXAMPLES = int(os.environ.get("CONCILIA_FUZZ_EXAMPLES", "2"))
_asked_anonymously: set[str] = set()


@schema.parametrize()
@settings(max_examples=EXAMPLES, **FUZZ)
def test_api(case: Any, records: None, db: None) -> None:
    """Every example as a platform administrator; each operation's first example anonymously and as one
    user of another role as well (:func:`role_for`)."""
    point_at_records(case)
    if case.operation.label not in _asked_anonymously:
        _asked_anonymously.add(case.operation.label)
        case.call_and_validate(checks=CHECKS)
        case.call_and_validate(headers={"Authorization": basic(role_for(case.operation.label))}, checks=CHECKS)
    case.call_and_validate(headers={"Authorization": BASIC}, checks=CHECKS)
