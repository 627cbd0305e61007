"""Providers join a voucher scheme: a service asks (:func:`scheme_request_submit`), the coordinators of the scheme's
network decide (:func:`scheme_request_decide`); accepted, the service accepts the scheme's vouchers (and the calls
whose vouchers use the scheme cover it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from concilia.accounts.choices import Role
from concilia.benefits.models import SchemeRequest
from concilia.core import clock
from concilia.core.permissions import is_coordinator, scope_of
from concilia.core.workflow import relock
from concilia.network.choices import JoinRequestStatus


def may_decide(request: SchemeRequest, by: Any) -> bool:
    scheme = request.scheme
    return scope_of(by).is_admin if scheme.network_id is None else is_coordinator(scheme.network_id, by)


def scheme_request_submit(*, scheme: Any, service: Any, message: str, by: Any) -> SchemeRequest:
    """The provider of ``service`` asks that it join ``scheme``."""
    scope = scope_of(by)
    if not (scope.is_admin or service.provider_id in scope.organisation_ids(Role.SERVICE_PROVIDER)):
        raise PermissionDenied(_("Only the provider of the service asks to join a voucher scheme."))
    if service.accepted_vouchers.filter(pk=scheme.pk).exists():
        raise ValidationError({"service": _("This service accepts the scheme's vouchers already.")})
    if SchemeRequest.objects.filter(scheme=scheme, service=service, status=JoinRequestStatus.PENDING).exists():
        raise ValidationError(
            {"service": _("This service has already asked to join this scheme: wait for the answer.")}
        )
    request = SchemeRequest(scheme=scheme, service=service, message=(message or "").strip(), requested_by=by)
    request.full_clean()
    request.save()
    return request


def scheme_request_decide(*, request: SchemeRequest, accept: bool, reason: str, by: Any) -> SchemeRequest:
    """The scheme's coordinators accept (the service accepts the scheme from now) or refuse with a reason."""
    if not may_decide(request, by):
        raise PermissionDenied(_("Only the coordinators of the scheme's network decide."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("A refusal needs a reason.")})
    with transaction.atomic():
        request = relock(request)
        if request.status != JoinRequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        request.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.REFUSED
        request.reason, request.decided_by, request.decided_at = reason, by, clock.now()
        request.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        if accept:
            request.service.accepted_vouchers.add(request.scheme)
    return request
