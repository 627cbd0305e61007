"""Generic write helpers used by every register's services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from simple_history.utils import update_change_reason

M = TypeVar("M", bound=models.Model)


def object_save(
    *,
    instance: M,
    by: Any,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> M:
    """Validate (``full_clean``) and save ``instance`` and its many-to-many values, atomically.

    The history record gets ``by`` as its author (outside a request the middleware cannot tell).
    """
    with transaction.atomic():
        instance.full_clean()
        if by is not None and getattr(by, "is_authenticated", False):
            instance._history_user = by  # type: ignore[attr-defined]
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        if reason and hasattr(instance, "history"):
            update_change_reason(instance, reason)
    return instance


def object_delete(*, instance: models.Model, by: Any) -> None:
    """Delete ``instance`` (its history keeps the last state, with the author)."""
    with transaction.atomic():
        if by is not None and getattr(by, "is_authenticated", False):
            instance._history_user = by  # type: ignore[attr-defined]
        instance.delete()


def lock(model: type[M], *pks: int) -> list[M]:
    """Lock rows in primary-key order (``SELECT … FOR UPDATE``) so concurrent writers queue up."""
    return list(model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk"))
