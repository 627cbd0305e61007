"""Reads of special-category data (ISEE, disability, health), recorded: who, when, which record, where.

A model lists such fields in ``sensitive_fields``. Whoever shows them to somebody who is not the person
they are about (a member of staff) calls :func:`record_sensitive_read` in the same request; the
records are the register "Letture di dati sensibili" (admins and the data protection officer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from concilia.core import clock
from concilia.core.models import SensitiveRead


def sensitive_fields(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "sensitive_fields", ()))


def record_sensitive_read(*, user: Any, objects: Iterable[models.Model], where: str) -> int:
    """Record that ``user`` was shown the sensitive fields of ``objects`` at ``where``; returns how many."""
    now = clock.now()
    rows = [
        SensitiveRead(
            at=now,
            user=user,
            model=obj._meta.label_lower,
            object_id=obj.pk,
            subject=str(obj)[:160],
            fields=list(sensitive_fields(obj)),
            where=where[:255],
        )
        for obj in objects
        if obj.pk is not None and sensitive_fields(obj)
    ]
    SensitiveRead.objects.bulk_create(rows)
    return len(rows)
