"""Work–life measures adopted by organisations, and the anonymous surveys of their workers' needs.

Responses and answers are deliberately not :class:`~concilia.core.models.BaseModel`: they keep no
user, no address, no creation time and no change history, only the day of submission, so that a
response cannot be tied to the person who gave it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.models import BaseModel, RestrictedQuerySet
from concilia.workplace.choices import (
    CHOICE_KINDS,
    ConditionOperator,
    MeasureCategory,
    QuestionKind,
    SurveyStatus,
)

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def new_token() -> str:
    """A secret for an invitation link: 22 URL-safe characters, never all digits."""
    while True:
        token = secrets.token_urlsafe(16)
        if not token.isdigit():
            return token


# Personal codes: Crockford's base32 (no I, L, O, U), 16 characters = 80 random bits, shown in groups of 4.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
MAX_CODES_PER_BATCH = 500
_CODE_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_respondent_code() -> str:
    """A personal code such as ``7KQ2-M9XD-H4TB-W1RZ``: unguessable, yet typeable from paper."""
    return format_code("".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH)))


def format_code(normalised: str) -> str:
    """``7KQ2M9XDH4TBW1RZ`` as ``7KQ2-M9XD-H4TB-W1RZ``."""
    return "-".join(normalised[i : i + 4] for i in range(0, len(normalised), 4))


def normalise_code(value: str) -> str | None:
    """The 16 characters of a personal code as typed (any case, dashes, spaces, O for 0); ``None`` if it cannot be one."""
    raw = re.sub(r"[\s-]", "", str(value or "")).upper().translate(_CODE_LOOKALIKES)
    if len(raw) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return raw


def code_digest(normalised: str) -> str:
    """What is stored of a personal code: its SHA-256 (the code has 80 random bits: no salt or slow hash needed)."""
    return hashlib.sha256(normalised.encode("ascii")).hexdigest()


class Measure(BaseModel):
    """A kind of work–life measure an employer may adopt (flexible hours, smart working, time bank…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=MeasureCategory.choices)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="workplace_measure_unique_name",
                violation_error_message=_("Another measure already has this name."),
            )
        ]


class CompanyMeasure(BaseModel):
    """A measure an organisation adopts for its employees, since when, for how many, funded by which project."""

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="workplace_measures",
        verbose_name=_("organisation"),
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="adoptions", verbose_name=_("measure"))
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    employees_covered = models.PositiveIntegerField(_("employees covered"), null=True, blank=True)
    project = models.ForeignKey(
        "programming.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workplace_measures",
        verbose_name=_("funded by project"),
    )
    is_public = models.BooleanField(
        _("shown publicly"),
        default=False,
        help_text=_("Whether the public pages of the network and of the alliance show this measure."),
    )
    is_example = models.BooleanField(
        _("example record"), default=False, help_text=_("Generated for the demo: the figures are illustrative.")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["organisation__name", "measure__position", "-since"]
        verbose_name = _("adopted measure")
        verbose_name_plural = _("adopted measures")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "measure", "since"],
                name="workplace_companymeasure_unique_start",
                violation_error_message=_("This organisation already records this measure from this date."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="workplace_companymeasure_dates",
                violation_error_message=_("The end date cannot precede the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.organisation}"


class Survey(BaseModel):
    """A questionnaire: a template to copy, or a survey an organisation runs through invitation links."""

    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    owner = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("owner organisation"),
    )
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("network"),
    )
    alliance = models.ForeignKey(
        "network.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("alliance"),
    )
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(
        _("closes on"), null=True, blank=True, help_text=_("After this day no more responses are accepted.")
    )
    is_template = models.BooleanField(_("template"), default=False)
    template_code = models.SlugField(_("template code"), max_length=40, blank=True)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("created from"),
    )
    is_example = models.BooleanField(_("example record"), default=False)
    reminder_sent_on = models.DateField(_("closing reminder sent on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-is_template", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(owner__isnull=False),
                name="workplace_survey_has_owner",
                violation_error_message=_("A survey needs an owner organisation."),
            ),
            models.CheckConstraint(
                condition=Q(is_template=False) | Q(status="draft"),
                name="workplace_survey_template_is_draft",
                violation_error_message=_("A template is never opened: create a survey from it."),
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="workplace_survey_dates",
                violation_error_message=_("The end date cannot precede the start date."),
            ),
            models.UniqueConstraint(
                fields=["template_code"],
                condition=~Q(template_code=""),
                name="workplace_survey_unique_template_code",
                violation_error_message=_("Another template already has this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not self.is_template and not self.owner_id:
            raise ValidationError({"owner": _("A survey needs an owner organisation.")})
        if self.is_template and self.status != SurveyStatus.DRAFT:
            raise ValidationError({"status": _("A template is never opened: create a survey from it.")})


class Question(BaseModel):
    """One question of a survey, possibly shown only when an earlier answer meets a condition."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Short identifier used in exports and conditions (e.g. “figli”).")
    )
    text = models.CharField(_("question"), max_length=500)
    help = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_("For single and multiple choice: one option per line, optionally as “code = label”."),
    )
    scale_min = models.SmallIntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale to"), null=True, blank=True)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=80, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=80, blank=True)
    number_min = models.IntegerField(_("smallest number accepted"), null=True, blank=True)
    number_max = models.IntegerField(_("largest number accepted"), null=True, blank=True)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependants",
        verbose_name=_("shown only if question"),
    )
    condition_operator = models.CharField(_("condition"), max_length=4, choices=ConditionOperator.choices, blank=True)
    condition_value = models.CharField(
        _("condition value"),
        max_length=255,
        blank=True,
        help_text=_("Option codes separated by commas (“is one of”), or a number."),
    )

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                name="workplace_question_unique_code",
                violation_error_message=_("Another question of this survey has this code."),
            ),
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="workplace_question_unique_position",
                violation_error_message=_("Another question of this survey is at this position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    # --- options and conditions ---------------------------------------------------------------

    @property
    def choices(self) -> list[tuple[str, str]]:
        """``(code, label)`` of the options, in order."""
        out: list[tuple[str, str]] = []
        for line in (self.options or "").splitlines():
            line = line.strip()
            if not line:
                continue
            if "=" in line:
                code, label = (part.strip() for part in line.split("=", 1))
            else:
                code, label = slugify(line)[:40], line
            out.append((code, label))
        return out

    def label_of(self, code: str) -> str:
        return dict(self.choices).get(code, code)

    @property
    def condition_values(self) -> list[str]:
        return [v.strip() for v in self.condition_value.split(",") if v.strip()]

    def condition_number(self) -> Decimal | None:
        try:
            return Decimal(self.condition_value.strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            return None

    def condition_met(self, answer: Any) -> bool:
        """Whether the condition holds for ``answer`` (the condition question's cleaned answer)."""
        if self.condition_question_id is None:
            return True
        if answer is None or answer == "" or answer == []:
            return False
        op = self.condition_operator
        if op == ConditionOperator.IN:
            given = answer if isinstance(answer, list) else [answer]
            return bool(set(map(str, given)) & set(self.condition_values))
        number = self.condition_number()
        if number is None:
            return False
        try:
            value = Decimal(str(answer))
        except (InvalidOperation, ValueError):
            return False
        return {
            ConditionOperator.EQ: value == number,
            ConditionOperator.GTE: value >= number,
            ConditionOperator.LTE: value <= number,
        }.get(ConditionOperator(op), False)

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}

        def err(field: str, message: Any) -> None:
            errors.setdefault(field, []).append(message)

        if self.code and not CODE_RE.match(self.code):
            err("code", _("Use lowercase letters, digits, hyphens and underscores."))
        choices = self.choices
        if self.kind in CHOICE_KINDS:
            if len(choices) < 2:
                err("options", _("A choice question needs at least two options."))
            codes = [c for c, _label in choices]
            if len(set(codes)) != len(codes):
                err("options", _("Two options have the same code."))
            if any(not c or not CODE_RE.match(c) for c in codes):
                err("options", _("Every option needs a code of lowercase letters, digits, hyphens or underscores."))
        elif self.options.strip():
            err("options", _("Only choice questions have options."))
        if self.kind == QuestionKind.SCALE:
            if self.scale_min is None or self.scale_max is None:
                err("scale_max", _("A scale needs its lowest and highest value."))
            elif self.scale_min >= self.scale_max:
                err("scale_max", _("The highest value of the scale must be above the lowest."))
            elif self.scale_max - self.scale_min > 10:
                err("scale_max", _("A scale has at most 11 points."))
        if (
            self.kind == QuestionKind.NUMBER
            and self.number_min is not None
            and self.number_max is not None
            and self.number_min > self.number_max
        ):
            err("number_max", _("The largest number cannot be below the smallest."))
        self._clean_condition(err)
        if errors:
            raise ValidationError(errors)

    def _clean_condition(self, err: Any) -> None:
        target = self.condition_question
        if target is None:
            if self.condition_operator or self.condition_value:
                err("condition_question", _("Choose the question the condition refers to."))
            return
        if target.survey_id != self.survey_id:
            err("condition_question", _("The condition must refer to a question of the same survey."))
            return
        if self.position is not None and target.position >= self.position:
            err("condition_question", _("The condition must refer to an earlier question."))
            return
        if target.kind == QuestionKind.TEXT:
            err("condition_question", _("A condition cannot refer to a free-text question."))
            return
        if not self.condition_operator:
            err("condition_operator", _("Choose the condition."))
            return
        if target.kind in CHOICE_KINDS:
            if self.condition_operator != ConditionOperator.IN:
                err("condition_operator", _("For a choice question the condition is “is one of”."))
                return
            known = {c for c, _label in target.choices}
            values = self.condition_values
            if not values:
                err("condition_value", _("Give at least one option code."))
            unknown = [v for v in values if v not in known]
            if unknown:
                err(
                    "condition_value",
                    _("Not options of the question: %(codes)s. Its options are: %(known)s.")
                    % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))},
                )
        else:
            if self.condition_operator == ConditionOperator.IN:
                err("condition_operator", _("For a number or a scale compare with a number."))
            elif self.condition_number() is None:
                err("condition_value", _("Give a number."))


class Invitation(BaseModel):
    """The link through which one organisation's workers answer a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey"))
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("organisation"),
    )
    token = models.CharField(_("secret of the link"), max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    class Meta:
        ordering = ["survey__title", "organisation__name"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"],
                name="workplace_invitation_unique",
                violation_error_message=_("This organisation is already invited to this survey."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.survey}"

    def clean(self) -> None:
        if self.survey_id and self.survey.is_template:
            raise ValidationError({"survey": _("Templates are not answered: create a survey from the template.")})


class RespondentToken(models.Model):
    """A personal, single-use code of an invitation: one code, one response.

    The organisation's HR (or the survey's managers) issues codes in batches and hands them out; the
    code itself is shown once, in the downloaded list, and only its digest is kept, so that nobody
    reading the database can answer with it. Not a :class:`~concilia.core.models.BaseModel`: a code has
    no history and names nobody, neither who issued it nor who used it; ``used_on`` is only the day.
    """

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="respondent_tokens", verbose_name=_("invitation")
    )
    digest = models.CharField(_("digest of the code"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    used_on = models.DateField(_("used on"), null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["invitation", "pk"]
        verbose_name = _("personal code")
        verbose_name_plural = _("personal codes")
        constraints = [
            models.UniqueConstraint(
                fields=["digest"],
                name="workplace_respondenttoken_unique_digest",
                violation_error_message=_("This personal code already exists."),
            )
        ]
        indexes = [models.Index(fields=["invitation", "used_on"], name="workplace_token_usage")]

    def __str__(self) -> str:
        return f"{_('personal code')} {self.pk}"


class Response(models.Model):
    """One anonymous filled-in questionnaire: the invitation and the personal code it came through and the
    day, nothing else. The code (single use, naming nobody) is kept only so that the threshold counts
    distinct codes, not rows."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="responses", verbose_name=_("invitation")
    )
    token = models.ForeignKey(
        RespondentToken,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("personal code"),
        help_text=_("Empty only for responses given before personal codes existed: they are not counted."),
    )
    submitted_on = models.DateField(_("submitted on"))
    is_example = models.BooleanField(_("example record"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "invitation"], name="workplace_response_scope")]
        constraints = [
            models.UniqueConstraint(
                fields=["token"],
                name="workplace_response_token_once",
                violation_error_message=_("This personal link has already been used."),
            )
        ]

    def __str__(self) -> str:
        return f"{_('response')} {self.pk}"


class Answer(models.Model):
    """The answer to one question: an option code (one row per option chosen), a number or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.CharField(_("option"), max_length=40, blank=True)
    number = models.IntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["response", "question__position", "choice"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="workplace_answer_unique",
                violation_error_message=_("This option is already recorded for this question."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.choice or self.number or self.text}"
