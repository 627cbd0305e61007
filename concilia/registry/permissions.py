"""Who may see and change what in the babysitter registry.

- the public sees the registries and their courses, and — only through the public search and
  profile pages, never through the registers — the first name, areas, availability and
  qualifications of listed babysitters;
- a REGISTRY_OPERATOR of the registry's keeper organisation and the coordinators of the registry's
  network manage it: they see and change its courses, attendance registers and applications, read
  the events and the relayed messages, and take the workflow steps (list, reject, suspend,
  reinstate, renew); a coordinator may add a registry to a network it coordinates;
- applications are submitted through the public form only (operators can fill it for someone);
- babysitters' personal data (surname, tax code, contacts, documents) are seen by nobody else;
- events and messages are written only by :mod:`concilia.registry.services`;
- the platform administrator may do everything the registers allow.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.accounts.choices import Role
from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.registry import models


def operator_organisations(user: Any) -> set[int]:
    return scope_of(user).organisation_ids(Role.REGISTRY_OPERATOR)


def registry_manage(user: Any) -> Q:
    """The registries the user manages (as their keeper's operator or their network's coordinator)."""
    orgs = operator_organisations(user)
    nets = scope_of(user).coordinated_network_ids
    q = NOTHING
    if orgs:
        q = Q(keeper__in=orgs)
    if nets:
        q = Q(network__in=nets) if q == NOTHING else q | Q(network__in=nets)
    return q


def managed_registry_ids(user: Any) -> list[int]:
    if scope_of(user).is_admin:
        return list(models.BabysitterRegistry.objects.values_list("pk", flat=True))
    q = registry_manage(user)
    if q == NOTHING:
        return []
    return list(models.BabysitterRegistry.objects.filter(q).values_list("pk", flat=True))


def manages_any(user: Any) -> bool:
    return scope_of(user).is_admin or bool(managed_registry_ids(user))


def _under(prefix: str) -> Any:
    def q(user: Any) -> Q:
        ids = managed_registry_ids(user)
        return Q(**{f"{prefix}__in": ids}) if ids else NOTHING

    return q


def _registry_add(user: Any) -> bool:
    return bool(scope_of(user).coordinated_network_ids)


register(
    models.BabysitterRegistry,
    Policy(view=lambda u: EVERYTHING, add=_registry_add, change=registry_manage,
           delete=lambda u: NOTHING),
)  # fmt: skip
register(
    models.Course,
    Policy(view=lambda u: EVERYTHING, add=manages_any, change=_under("registry"), delete=_under("registry")),
)
register(
    models.CourseAttendance,
    Policy(view=_under("course__registry"), add=manages_any, change=_under("course__registry"),
           delete=_under("course__registry")),
)  # fmt: skip
register(
    models.Babysitter,
    Policy(
        view=_under("registry"),
        # Applications come from the public form (babysitter_submit checks them and records the event).
        add=lambda u: False,
        change=_under("registry"),
        delete=lambda u: NOTHING,
        extra={"manage": _under("registry")},
    ),
)
register(
    models.Availability,
    Policy(view=_under("babysitter__registry"), add=manages_any, change=_under("babysitter__registry"),
           delete=_under("babysitter__registry")),
)  # fmt: skip
register(
    models.BabysitterEvent,
    Policy(view=_under("babysitter__registry"), add=lambda u: False, change=lambda u: NOTHING,
           delete=lambda u: NOTHING),
)  # fmt: skip
register(
    models.ContactMessage,
    Policy(view=_under("babysitter__registry"), add=lambda u: False, change=lambda u: NOTHING,
           delete=lambda u: NOTHING),
)  # fmt: skip
