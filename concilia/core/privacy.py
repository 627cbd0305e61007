"""Personal data: retention, redaction of history on deletion, and a person's data in one file.

A model that holds personal data names its personal fields in a class attribute ``personal_fields``
(e.g. ``("first_name", "last_name", "email", "phone", "note")``). Then:

- **deleting** a record blanks those fields in every row of its change history (django-simple-history
  keeps the full record otherwise, and the admin could show or revert it): :func:`redact_deleted`,
  connected to ``post_delete`` of every such model;
- **retention**: each app with a ``privacy`` module may define ``apply_retention(*, today) -> dict[str,
  int]``, which anonymises (with :func:`anonymise`) what is older than ``settings.CONCILIA_RETENTION_DAYS``
  says; the record stays, so counts and statistics do not change, and ``anonymised_on`` says when.
  ``concilia apply_retention`` (cron) and the Celery beat task ``concilia.apply_retention`` run
  :func:`apply_retention` daily; a second run the same day changes nothing;
- **a person's data**: each app's ``privacy`` module may define ``person_records(user, *, email,
  tax_code) -> dict[str, list[dict]]``: the records about that person ``user`` may see;
  :func:`person_export` puts them in one JSON document, what the staff who hold the data hand over on
  request (GDPR art. 15 and 20), from the page ``/account/dati-personali/``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete

from concilia.core import clock

SENTINEL_DATE = dt.date(1900, 1, 1)
"""What a required date among the personal fields becomes (a date of birth): no real date is this one."""


def personal_models() -> list[type[models.Model]]:
    """Every model naming its ``personal_fields``."""
    return [m for m in apps.get_models() if getattr(m, "personal_fields", None)]


def blanks(model: type[models.Model], names: Iterable[str]) -> dict[str, Any]:
    """The empty value of each field of ``model`` named: ``None`` where allowed, else ``""``, a sentinel date, ``False``."""
    values: dict[str, Any] = {}
    for name in names:
        field: Any = model._meta.get_field(name)
        if field.null:
            values[field.attname] = None
        elif isinstance(field, models.DateField):
            values[field.attname] = SENTINEL_DATE
        elif isinstance(field, models.BooleanField):
            values[field.attname] = False
        else:
            values[field.attname] = ""
    return values


def redact_history(model: type[models.Model], pks: Iterable[Any]) -> int:
    """Blank the personal fields of ``model`` in the history rows of the records ``pks``; how many rows."""
    history = getattr(model, "history", None)
    pks = list(pks)
    if history is None or not pks:
        return 0
    return history.filter(id__in=pks).update(**blanks(history.model, model.personal_fields))  # type: ignore[attr-defined]


def redact_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``post_delete``: the deleted record's personal fields leave its history too (after the last row is written)."""
    pk = instance.pk
    # Now, for the rows already there (django-simple-history's own post_delete receiver, connected
    # when the model was defined, has already written the last one); and again at commit, should a
    # receiver connected later have written another.
    redact_history(sender, [pk])
    transaction.on_commit(lambda: redact_history(sender, [pk]))


def connect() -> None:
    """Connect :func:`redact_deleted` to every model with personal fields (from ``CoreConfig.ready``)."""
    for model in personal_models():
        post_delete.connect(redact_deleted, sender=model, dispatch_uid=f"concilia.privacy.{model._meta.label}")


def anonymise(queryset: models.QuerySet, *, today: dt.date, extra: dict[str, Any] | None = None) -> int:
    """Blank the personal fields of the records of ``queryset`` not yet anonymised, and of their history.

    Sets ``anonymised_on`` to ``today``; ``extra`` are further values to set (e.g. a status). The
    records stay. Returns how many were anonymised.
    """
    model = queryset.model
    with transaction.atomic():
        pks = list(queryset.filter(anonymised_on__isnull=True).values_list("pk", flat=True))
        if not pks:
            return 0
        values = {**blanks(model, model.personal_fields), **(extra or {}), "anonymised_on": today}  # type: ignore[attr-defined]
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            model._default_manager.filter(pk__in=chunk).update(**values)
            redact_history(model, chunk)
    return len(pks)


def retention_days(kind: str) -> int:
    return int(settings.CONCILIA_RETENTION_DAYS[kind])


def cutoff(kind: str, today: dt.date) -> dt.date:
    """The first day still kept for ``kind``: records dated before it are past their retention."""
    return today - dt.timedelta(days=retention_days(kind))


def _app_functions(name: str) -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("concilia.") or config.name == "concilia.core":
            continue
        module_name = f"{config.name}.privacy"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        function = getattr(module, name, None)
        if callable(function):
            found.append((config.label, function))
    return found


def apply_retention(*, today: dt.date | None = None) -> dict[str, int]:
    """Apply every app's retention; ``{"helpdesk.appointment": 3, …}``, what each rule anonymised or removed."""
    today = today or clock.today()
    done: dict[str, int] = {}
    for label, function in _app_functions("apply_retention"):
        for kind, count in function(today=today).items():
            done[f"{label}.{kind}"] = count
    return done


def person_export(user: Any, *, email: str = "", tax_code: str = "") -> dict[str, Any]:
    """The records about the person with ``email`` or ``tax_code`` that ``user`` may see, as one document."""
    email, tax_code = email.strip().lower(), tax_code.strip().upper()
    records: dict[str, list[dict[str, Any]]] = {}
    for label, function in _app_functions("person_records"):
        for kind, rows in function(user, email=email, tax_code=tax_code).items():
            if rows:
                records[f"{label}.{kind}"] = rows
    return {
        "exported_at": clock.now().isoformat(),
        "exported_by": user.get_username(),
        "person": {"email": email, "tax_code": tax_code},
        "records": records,
    }


def as_dict(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """``{name: value}`` of ``instance`` for JSON: dates in ISO 8601, related records by their name."""
    row: dict[str, Any] = {}
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = str(value)
        row[name] = value
    return row
