"""The workflow toolkit of ``core``: one API error shape, the state machine and its log, protocol numbers."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from concilia.core import clock
from concilia.core.workflow import Conflict, next_protocol_number
from concilia.programming.choices import CallStatus
from concilia.programming.models import CallEvent, ProtocolCounter
from concilia.programming.services import CALL_WORKFLOW
from concilia.programming.tests import factories as pf

pytestmark = pytest.mark.django_db


def _answer(raised: Exception) -> Response:
    class Refusing(APIView):
        permission_classes = [permissions.AllowAny]

        def post(self, request: Request) -> Response:
            raise raised

    response = Refusing.as_view()(APIRequestFactory().post("/", {}, format="json"))
    response.render()
    return response


def test_a_service_refusal_has_the_one_api_shape() -> None:
    by_field = _answer(ValidationError({"reason": "Give a reason.", "__all__": "Not now."}))
    assert by_field.status_code == 400
    assert by_field.data == {"reason": ["Give a reason."], "non_field_errors": ["Not now."]}

    plain = _answer(ValidationError(["First.", "Second."]))
    assert plain.status_code == 400 and plain.data == {"non_field_errors": ["First.", "Second."]}

    conflict = _answer(Conflict("Already used.", code="used_code"))
    assert conflict.status_code == 409 and conflict.data == {"non_field_errors": ["Already used."]}

    denied = _answer(PermissionDenied("Only the coordinators may."))
    assert denied.status_code == 403 and str(denied.data["detail"]) == "Only the coordinators may."

    with translation.override("it"):
        bare = _answer(PermissionDenied())
    assert bare.status_code == 403 and "autorizzazione" in str(bare.data["detail"])  # DRF's own message, in Italian


def test_no_endpoint_converts_refusals_by_hand() -> None:
    """The handler is the one converter: an API module catching a service's ValidationError is a second shape."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("*/api/*.py"), *root.glob("*/api.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)} | {
                    n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)
                }
                if names & {"ValidationError", "DjangoValidationError", "PermissionDenied", "DjangoPermissionDenied"}:
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def test_the_state_machine_refuses_in_words_and_logs_each_move(world: Any) -> None:
    call = pf.CallFactory(plan=pf.PlanFactory(network=world.network), network=world.network, publisher=world.lead_org)
    with translation.override("it"), pytest.raises(ValidationError) as refused:
        CALL_WORKFLOW.check(call, CallStatus.ARCHIVED)
    assert "non può passare" in refused.value.messages[0] and "Bozza" in refused.value.messages[0]
    assert CALL_WORKFLOW.allowed(CallStatus.DRAFT) == tuple(CALL_WORKFLOW.transitions[CallStatus.DRAFT])

    now = clock.now()
    event = CALL_WORKFLOW.move(
        call,
        CallStatus.OPEN,
        by=world.coordinator,
        now=now,
        note="Aperto",
        event=lambda **kw: CallEvent(call=call, **kw),
    )
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert (event.from_status, event.to_status, event.at, event.by, event.note) == (
        CallStatus.DRAFT,
        CallStatus.OPEN,
        now,
        world.coordinator,
        "Aperto",
    )
    assert call.history.first().history_change_reason == "Aperto"


@pytest.mark.django_db(transaction=True)
def test_protocol_numbers_are_counted_per_series_and_given_back_on_rollback(world: Any) -> None:
    plan = pf.PlanFactory(network=world.network)
    first, second = (pf.CallFactory(plan=plan, network=world.network, publisher=world.lead_org) for _ in range(2))
    with pytest.raises(RuntimeError):
        next_protocol_number(ProtocolCounter, call_id=first.pk)  # only inside the record's transaction
    with transaction.atomic():
        assert [next_protocol_number(ProtocolCounter, call_id=first.pk) for _ in range(3)] == [1, 2, 3]
        assert next_protocol_number(ProtocolCounter, call_id=second.pk) == 1
    with pytest.raises(LookupError, match="refused"), transaction.atomic():
        assert next_protocol_number(ProtocolCounter, call_id=first.pk) == 4
        raise LookupError("refused")  # the submission fails: its number is not used up
    with transaction.atomic():
        assert next_protocol_number(ProtocolCounter, call_id=first.pk) == 4
