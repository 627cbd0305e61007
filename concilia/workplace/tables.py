"""Tables of the workplace registers (list pages, related sections and CSV/XLSX exports)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from concilia.core.tables import detail_column
from concilia.workplace import models


class MeasureTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = models.Measure
        fields = ("code", "name", "category")


class CompanyMeasureTable(tables.Table):
    organisation = tables.Column(linkify=True)
    measure = tables.Column(linkify=True)
    project = tables.Column(linkify=True)
    detail = detail_column("workplace:companymeasure_detail")

    class Meta:
        model = models.CompanyMeasure
        fields = ("organisation", "measure", "since", "until", "employees_covered", "project", "is_public")


class SurveyTable(tables.Table):
    title = tables.Column(linkify=True)
    owner = tables.Column(linkify=True)

    class Meta:
        model = models.Survey
        fields = ("title", "owner", "status", "opens_on", "closes_on", "is_template")


class QuestionTable(tables.Table):
    text = tables.Column(linkify=True)
    condition_question = tables.Column(verbose_name=_("Shown only if"))

    class Meta:
        model = models.Question
        fields = ("position", "code", "text", "kind", "required", "condition_question")


class InvitationTable(tables.Table):
    organisation = tables.Column(linkify=True)
    survey = tables.Column(linkify=True)
    detail = detail_column("workplace:invitation_detail", _("Link"))

    class Meta:
        model = models.Invitation
        fields = ("organisation", "survey", "created_at")
