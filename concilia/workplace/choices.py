"""Choices of the workplace app: measure categories, survey statuses, question kinds and conditions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeasureCategory(models.TextChoices):
    TIME = "time", _("Working time")
    PLACE = "place", _("Place of work")
    LEAVE = "leave", _("Leave and part time")
    CARE = "care", _("Care services")
    WELFARE = "welfare", _("Company welfare")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", pgettext_lazy("survey status", "Closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
NUMERIC_KINDS = (QuestionKind.SCALE, QuestionKind.NUMBER)


class ConditionOperator(models.TextChoices):
    IN = "in", _("is one of")
    EQ = "eq", _("equals")
    GTE = "gte", _("is at least")
    LTE = "lte", _("is at most")
