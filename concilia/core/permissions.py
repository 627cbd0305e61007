"""Object permissions as queryset restrictions (NetBox's ``RestrictedQuerySet.restrict``).

Each model registers a :class:`Policy`: for ``view``, ``change`` and ``delete`` a function of the user
returning a ``Q`` over the model (or ``EVERYTHING`` / ``NOTHING``), for ``add`` a boolean. Lists,
detail pages, forms, API viewsets and exports all go through :func:`restrict`, and the same policy is
exposed to django-rules as ``<app>.<action>_<model>`` so ``user.has_perm(perm, obj)`` agrees with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import rules
from django.db import models
from django.db.models import Q

from concilia.accounts.choices import Role

EVERYTHING = Q()
NOTHING = Q(pk__in=[])
ACTIONS = ("view", "add", "change", "delete")


class UserScope:
    """What a user coordinates or represents, computed once per request."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def _assignments(self) -> list[tuple[str, int | None, int | None]]:
        if not getattr(self.user, "is_authenticated", False):
            return []
        return list(self.user.roles.values_list("role", "network_id", "organisation_id"))

    @cached_property
    def is_admin(self) -> bool:
        if not getattr(self.user, "is_authenticated", False):
            return False
        return bool(self.user.is_superuser) or any(r == Role.PLATFORM_ADMIN for r, _n, _o in self._assignments)

    @cached_property
    def coordinated_network_ids(self) -> set[int]:
        return {n for r, n, _o in self._assignments if r == Role.NETWORK_COORDINATOR and n}

    def organisation_ids(self, *roles: str) -> set[int]:
        return {o for r, _n, o in self._assignments if o and (not roles or r in roles)}

    @cached_property
    def lead_organisation_ids(self) -> set[int]:
        return self.organisation_ids(Role.ALLIANCE_LEAD)

    def has_role(self, *roles: str) -> bool:
        return any(r in roles for r, _n, _o in self._assignments)


def scope_of(user: Any) -> UserScope:
    """The cached :class:`UserScope` of a user (stored on the user object for the request)."""
    scope = getattr(user, "_concilia_scope", None)
    if scope is None:
        scope = UserScope(user)
        with contextlib.suppress(AttributeError):  # some user objects refuse new attributes
            user._concilia_scope = scope
    return scope


def is_coordinator(network_id: int | None, by: Any) -> bool:
    """Whether ``by`` coordinates the network ``network_id`` (an administrator does all; ``None`` is the system)."""
    if by is None:
        return True
    scope = scope_of(by)
    return scope.is_admin or (network_id is not None and network_id in scope.coordinated_network_ids)


def is_lead_of(organisation_id: int | None, by: Any) -> bool:
    """Whether ``by`` acts for the lead organisation ``organisation_id`` (an administrator does; ``None`` is the system)."""
    if by is None:
        return True
    scope = scope_of(by)
    return scope.is_admin or (organisation_id is not None and organisation_id in scope.lead_organisation_ids)


def _public(user: Any) -> Q:
    return EVERYTHING


def _admin_only_q(user: Any) -> Q:
    return EVERYTHING if scope_of(user).is_admin else NOTHING


def _admin_only(user: Any) -> bool:
    return scope_of(user).is_admin


@dataclass
class Policy:
    """Who may do what on one model. Functions take the user; ``add`` returns a bool."""

    view: Callable[[Any], Q] = _public
    add: Callable[[Any], bool] = _admin_only
    change: Callable[[Any], Q] = _admin_only_q
    delete: Callable[[Any], Q] = _admin_only_q
    extra: dict[str, Callable[[Any], Q]] = field(default_factory=dict)

    def q(self, user: Any, action: str) -> Q:
        if action in self.extra:
            return self.extra[action](user)
        if action == "add":
            return EVERYTHING if self.add(user) else NOTHING
        return getattr(self, action)(user)


_POLICIES: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model], policy: Policy) -> None:
    """Register ``policy`` for ``model`` and expose it to django-rules."""
    _POLICIES[model] = policy
    opts = model._meta
    for action in (*ACTIONS, *policy.extra):
        perm = f"{opts.app_label}.{action}_{opts.model_name}"
        rules.set_perm(perm, _make_predicate(model, action))


def _make_predicate(model: type[models.Model], action: str) -> rules.Predicate:
    def check(user: Any, obj: models.Model | None = None) -> bool:
        if obj is None:
            return action in ("add", "view") and can(user, action, model)
        return can(user, action, obj)

    return rules.predicate(check, name=f"{model._meta.label_lower}:{action}")


def policy_for(model: type[models.Model]) -> Policy:
    for klass in model.__mro__:
        if klass in _POLICIES:
            return _POLICIES[klass]
    return Policy()


def restrict(queryset: models.QuerySet, user: Any, action: str = "view") -> models.QuerySet:
    """Narrow ``queryset`` to the objects ``user`` may ``action``."""
    if scope_of(user).is_admin:
        return queryset
    q = policy_for(queryset.model).q(user, action)
    if q == EVERYTHING:
        return queryset
    if q == NOTHING:
        return queryset.none()
    # A sub-select keeps joins in the policy from duplicating rows of the outer query.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))


def can(user: Any, action: str, target: models.Model | type[models.Model]) -> bool:
    """Whether ``user`` may ``action`` the object (or, for a model class, any object / add one)."""
    if scope_of(user).is_admin:
        return True
    if isinstance(target, type):
        if action == "add":
            return policy_for(target).add(user)
        return restrict(target._default_manager.all(), user, action).exists()
    return restrict(type(target)._default_manager.filter(pk=target.pk), user, action).exists()
