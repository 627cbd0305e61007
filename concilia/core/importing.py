"""Import base (django-import-export): model validation on every row, Italian column names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from import_export import resources


class BaseResource(resources.ModelResource):
    """A resource that validates rows with ``full_clean`` and knows who imports.

    Columns are named by the fields' verbose names in the active language or by field names.
    """

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    @classmethod
    def column_help(cls) -> list[dict[str, Any]]:
        """The columns a file may have, for the import page."""
        model = cls._meta.model
        out = []
        extra: dict[str, dict[str, Any]] = getattr(cls, "extra_column_help", {})
        for name in cls._meta.fields or ():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a column the resource handles itself (e.g. a service's hours)
                info = extra.get(name, {})
                out.append({"name": name, "label": str(info.get("label", name)), "required": False, "choices": [],
                            "help": str(info.get("help", ""))})  # fmt: skip
                continue
            choices = [f"{value} ({label})" for value, label in getattr(field, "choices", None) or []]
            out.append(
                {
                    "name": name,
                    "label": str(field.verbose_name),
                    "required": not (field.blank or field.null or field.has_default()),
                    "choices": choices,
                    "help": str(field.help_text or ""),
                }
            )
        return out

    def column_label(self, fieldname: str) -> str:
        try:
            return f"{fieldname} ({self._meta.model._meta.get_field(fieldname).verbose_name})"
        except Exception:
            return fieldname

    def do_instance_save(self, instance: Any, is_create: bool) -> None:
        """Each row is saved by the register's writer: the rule of the pages and the API, per row.

        A row that names a record the user may not change (another organisation's tax code) is an
        error of that row, and the import, all or nothing, changes nothing.
        """
        from concilia.core.registry import writer_for

        writer = writer_for(type(instance))
        if is_create:
            writer.create(instance=instance, by=self.user)
        else:
            writer.update(instance=instance, by=self.user)
