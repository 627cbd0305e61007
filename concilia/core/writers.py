"""The one path for writes: how a register's records are created, changed and deleted.

Every generic entry point — the register's create/edit/delete pages, the API's CRUD, the CSV/XLSX
import — saves through its register's :class:`Writer`, so a register is never a side door:

- :class:`Writer` (the default) validates and saves (``full_clean``, history author) and checks the
  object policy twice: the user may change the record *as stored* before the edit, and may change it
  *as saved* after (nobody creates or moves a record to where they could not change it);
- a model whose writes are a workflow declares a subclass whose methods call its service functions
  (a score goes through ``score_set``, a proposal through ``proposal_create``), so the page, the API
  and the import all meet the same rule;
- :class:`ReadOnly` refuses every generic write: the workflow alone writes those records.

The workflow pages and endpoints call the service functions directly; this module only makes the
generic paths call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from concilia.core.permissions import can
from concilia.core.services import object_delete, object_save_checked

M2M = Mapping[str, Iterable[Any]] | None


def stored(instance: models.Model) -> models.Model:
    """The record as the database holds it (the instance may carry unsaved changes)."""
    return type(instance)._default_manager.get(pk=instance.pk)


def require(by: Any, action: str, target: models.Model | type[models.Model], message: str | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``by`` may ``action`` the target (a record, or a model to add to)."""
    if not can(by, action, target):
        raise PermissionDenied(message or _("You are not allowed to do this on this record."))


class Writer:
    """Create, change and delete through the object policy (the default for every register)."""

    #: Which generic writes the register offers (the API and the pages hide the others).
    creates = True
    updates = True
    deletes = True

    def save(self, *, instance: models.Model, by: Any, m2m: M2M = None) -> models.Model:
        """Create the record if it is new, else update it."""
        if instance._state.adding or instance.pk is None:
            return self.create(instance=instance, by=by, m2m=m2m)
        return self.update(instance=instance, by=by, m2m=m2m)

    def create(self, *, instance: models.Model, by: Any, m2m: M2M = None) -> models.Model:
        if not self.creates:
            raise PermissionDenied(_("These records are not added here: use their workflow."))
        require(by, "add", type(instance), _("You are not allowed to add records here."))
        return object_save_checked(instance=instance, by=by, m2m=m2m)

    def update(self, *, instance: models.Model, by: Any, m2m: M2M = None) -> models.Model:
        if not self.updates:
            raise PermissionDenied(_("These records are not changed here: use their workflow."))
        require(by, "change", stored(instance), _("You are not allowed to change “%(object)s”.") % {"object": instance})
        return object_save_checked(instance=instance, by=by, m2m=m2m)

    def delete(self, *, instance: models.Model, by: Any) -> None:
        if not self.deletes:
            raise PermissionDenied(_("These records are not deleted here: use their workflow."))
        require(by, "delete", instance, _("You are not allowed to delete “%(object)s”.") % {"object": instance})
        object_delete(instance=instance, by=by)


class ReadOnly(Writer):
    """Records that only their workflow writes (call events, rankings): no generic write at all."""

    creates = updates = deletes = False
