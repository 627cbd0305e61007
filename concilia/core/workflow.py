"""The pieces every workflow is built from: row locks, state machines with their event log, protocol numbers.

A workflow's services (``<app>/services*``) use them the same way:

- :func:`lock` and :func:`relock` take row locks (``SELECT … FOR UPDATE``), parents first and each
  level in primary-key order, so concurrent writers queue up instead of deadlocking (Saleor's
  ``lock_objects.py``);
- a :class:`StateMachine` says which status may follow which, and :meth:`StateMachine.move` changes a
  record's status and writes one row of its typed event log (a model built on :class:`EventBase`);
- :func:`next_protocol_number` gives gapless, unique numbers from a counter row (a model built on
  :class:`ProtocolCounterBase`), locked in the same transaction as the record it numbers;
- :class:`Conflict` refuses what was done already (the API answers 409, the pages show the message).

Refusals are Django's ``ValidationError`` (the rule, in the user's language) and ``PermissionDenied``
(who may); pages show them on the form (``core.workflow_views.WorkflowStep``) and the API turns them
into its one error shape (``core.api.exception_handler``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)


class Conflict(ValidationError):
    """A refusal because the thing was done already (a personal code used, a duplicate): 409 on the API."""


# -- locks -------------------------------------------------------------------------------------


def lock(model: type[M], *pks: int) -> list[M]:
    """Lock rows in primary-key order (``SELECT … FOR UPDATE``) so concurrent writers queue up."""
    return list(model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk"))


def relock(instance: M) -> M:
    """Lock ``instance``'s row and reload it in place, so the caller's object is current."""
    instance.refresh_from_db(from_queryset=type(instance)._default_manager.select_for_update())
    return instance


# -- event log ---------------------------------------------------------------------------------


class EventBase(models.Model):
    """One step of a record's history, written only by its services: when, by whom, with what note.

    A concrete log adds the record it belongs to and what happened (a status change, an event kind).
    """

    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class StateMachine:
    """Which status may follow which, for one kind of record, and the one way to move along it.

    ``refusal`` is the message of a move not allowed, with ``%(from)s`` and ``%(to)s`` (the labels).
    """

    def __init__(
        self,
        *,
        choices: type[models.TextChoices],
        transitions: Mapping[str, Sequence[str]],
        refusal: Any,
        field: str = "status",
    ) -> None:
        self.choices = choices
        self.transitions = transitions
        self.refusal = refusal
        self.field = field

    def allowed(self, current: str) -> tuple[str, ...]:
        return tuple(self.transitions.get(current, ()))

    def label(self, status: str) -> str:
        return str(self.choices(status).label) if status in self.choices.values else status

    def check(self, instance: models.Model, to: str) -> None:
        """Raise ``ValidationError`` unless ``instance`` may go to ``to`` from its current status."""
        current = getattr(instance, self.field)
        if to not in self.allowed(current):
            raise ValidationError(self.refusal % {"from": self.label(current), "to": self.label(to)})

    def move(
        self,
        instance: M,
        to: str,
        *,
        by: Any,
        now: dt.datetime,
        note: str = "",
        event: Callable[..., EventBase],
        reason: str = "",
    ) -> EventBase:
        """Record the move to ``to`` (``event(from_status=, to_status=, at=, by=, note=)`` builds the row),
        then save ``instance`` through :func:`concilia.core.services.object_save` with its history's reason.

        The caller holds the record's lock and has checked the move (:meth:`check`) and its own rules.
        """
        from concilia.core.services import object_save

        with transaction.atomic():
            row = event(
                from_status=getattr(instance, self.field),
                to_status=to,
                at=now,
                by=by if by is not None else None,
                note=note,
            )
            row.save()
            setattr(instance, self.field, to)
            object_save(instance=instance, by=by, reason=reason or note or str(_("Status changed")))
        return row


# -- protocol numbers --------------------------------------------------------------------------


class ProtocolCounterBase(models.Model):
    """The last number given in one series (a call's applications): the row a submission locks."""

    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        abstract = True


def next_protocol_number(counter: type[ProtocolCounterBase], **series: Any) -> int:
    """The next number of the series ``series`` (the counter's key, e.g. ``call_id=7``), counted once.

    Runs inside the caller's transaction: the counter row stays locked until it commits, so the
    numbers are unique and gapless however many submit at once; a rolled-back submission gives its
    number back. The row is created on first use.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_protocol_number runs inside the transaction of the record it numbers")
    counter._default_manager.get_or_create(**series)
    row = counter._default_manager.select_for_update().get(**series)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last
