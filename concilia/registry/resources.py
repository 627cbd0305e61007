"""CSV/XLSX import of a course's attendance register (all-or-nothing, django-import-export).

Columns: ``course`` (the course's id), ``tax_code``, ``first_name``, ``last_name``,
``hours_attended``, ``exam_passed`` (sì/no, 1/0, true/false). A row with a course and tax code
already in the register updates it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from import_export import fields, widgets

from concilia.core.importing import BaseResource
from concilia.core.permissions import restrict
from concilia.registry.models import Course, CourseAttendance

TRUE = {"1", "true", "si", "sì", "s", "yes", "y", "x", "vero"}
FALSE = {"", "0", "false", "no", "n", "falso"}


class CourseWidget(widgets.ForeignKeyWidget):
    """A course by id, among those the importing user may change."""

    def __init__(self, resource: AttendanceResource) -> None:
        super().__init__(Course, "pk")
        self.resource = resource

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Course | None:
        text = str(value or "").strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit():
            raise ValueError(_("“%(value)s” is not a course number.") % {"value": text})
        found = restrict(Course.objects.all(), self.resource.user, "change").filter(pk=int(text)).first()
        if found is None:
            raise ValueError(_("Course %(value)s is not one of yours.") % {"value": text})
        return found


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = str(value if value is not None else "").strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})


class AttendanceResource(BaseResource):
    course = fields.Field(attribute="course", column_name="course")
    exam_passed = fields.Field(attribute="exam_passed", column_name="exam_passed", widget=YesNoWidget())

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.fields["course"].widget = CourseWidget(self)

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        if row.get("tax_code"):
            row["tax_code"] = str(row["tax_code"]).strip().upper()

    class Meta(BaseResource.Meta):
        model = CourseAttendance
        fields = ("course", "tax_code", "first_name", "last_name", "hours_attended", "exam_passed")
        import_id_fields = ("course", "tax_code")
