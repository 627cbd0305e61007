"""What every workflow of the programming cycle checks: who may act on a call or an alliance, and how money reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from concilia.core.permissions import is_coordinator, is_lead_of
from concilia.network.models import Alliance
from concilia.programming.models import Call


def require_coordinator(call: Call, by: Any) -> None:
    if not is_coordinator(call.network_id, by):
        raise PermissionDenied(_("Only the coordinators of the call's network may do this."))


def require_lead(alliance: Alliance, by: Any) -> None:
    if not is_lead_of(alliance.lead_id, by):
        raise PermissionDenied(_("Only the users of the alliance's lead organisation may do this."))


def euro(cents: int) -> str:
    from concilia.programming.receipts import euro

    return euro(cents)
