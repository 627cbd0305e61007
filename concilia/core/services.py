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


def object_save_checked(
    *,
    instance: M,
    by: Any,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    reason: str = "",
) -> M:
    """Save as :func:`object_save`, then require that ``by`` may change the saved object.

    One rule covers creation and edits: nobody may create or move a record to where they could not
    change it (a lead adding a partner to another lead's alliance, a coordinator an agreement to
    another network). Otherwise everything is rolled back and ``PermissionDenied`` raised.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from concilia.core.permissions import can

    with transaction.atomic():
        saved = object_save(instance=instance, by=by, m2m=m2m, reason=reason)
        if not can(by, "change", saved):
            raise PermissionDenied(_("You are not allowed to save this record here."))
    return saved
