"""Reads of the workplace app: the results of a survey per scope, never below the threshold.

A scope is the whole survey, one organisation (its invitation), an alliance (the invitations of its
lead and partners) or a network (the invitations of its members and of its alliances' partners).
A response counts only through the personal code it used up: every count here (responses of a
scope, of an organisation, kept by a filter, answering a question) counts distinct codes, never rows,
and a response without a code (given before codes existed) counts for nothing and adds no figure.
A scope with fewer than :data:`MIN_RESPONSES` responses shows no figures at all, free texts included, on the pages, in the
API and in the exports alike; so does an aggregate scope whose organisations below the threshold add
up to fewer than :data:`MIN_RESPONSES` (they could be found by subtracting the others' results); a filter on one answer is refused when it, or what it leaves out of the
scope, would isolate fewer than :data:`MIN_RESPONSES` people.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from concilia.core.permissions import can, scope_of
from concilia.network.models import Alliance, Network, Organisation
from concilia.workplace.choices import CHOICE_KINDS, QuestionKind, SurveyStatus
from concilia.workplace.models import (
    Answer,
    CompanyMeasure,
    Invitation,
    Measure,
    Question,
    RespondentToken,
    Response,
    Survey,
)
from concilia.workplace.permissions import (
    alliance_organisations,
    led_alliances,
    network_organisations,
    own_organisations,
)

MIN_RESPONSES = 5


def below_threshold_message(count: int) -> str:
    return _("Results not shown: at least %(min)s responses are needed (now %(count)s).") % {
        "min": MIN_RESPONSES,
        "count": count,
    }


# --- scopes ------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Which responses a result covers: ``kind`` is survey, organisation, alliance or network."""

    kind: str
    obj: Any = None

    @property
    def label(self) -> str:
        if self.kind == "survey":
            return _("All responses")
        return str(self.obj)

    @property
    def query(self) -> dict[str, int]:
        return {} if self.kind == "survey" else {self.kind: self.obj.pk}

    def organisation_ids(self) -> set[int] | None:
        """The organisations whose invitations count (``None``: every invitation)."""
        if self.kind == "organisation":
            return {self.obj.pk}
        if self.kind == "alliance":
            return alliance_organisations({self.obj.pk})
        if self.kind == "network":
            return network_organisations({self.obj.pk})
        return None


def scope_from(params: Any) -> Scope:
    """The scope named by ``?organisation=``, ``?alliance=`` or ``?network=`` (the whole survey by default)."""
    models: tuple[tuple[str, Any], ...] = (("organisation", Organisation), ("alliance", Alliance), ("network", Network))
    for kind, model in models:
        raw = params.get(kind)
        if raw:
            obj = model.objects.filter(pk=int(raw)).first() if str(raw).isdigit() else None
            if obj is None:
                raise Http404
            return Scope(kind, obj)
    return Scope("survey")


def may_see_results(user: Any, survey: Survey, scope: Scope) -> bool:
    """Managers see every scope; an invited organisation's users their own; leads their alliances; coordinators their networks."""
    if survey.is_template:
        return False
    if can(user, "manage", survey):
        return True
    if scope.kind == "organisation":
        return scope.obj.pk in own_organisations(user) and survey.invitations.filter(organisation=scope.obj).exists()
    if scope.kind == "alliance":
        return scope.obj.pk in led_alliances(user)
    if scope.kind == "network":
        return scope.obj.pk in scope_of(user).coordinated_network_ids
    return False


def result_scopes(user: Any, survey: Survey) -> list[Scope]:
    """The scopes whose results ``user`` may open, for links on the survey's page."""
    if survey.is_template:
        return []
    invited = list(survey.invitations.select_related("organisation"))
    scopes: list[Scope] = []
    manager = can(user, "manage", survey)
    if manager:
        scopes.append(Scope("survey"))
    own = own_organisations(user)
    for inv in invited:
        if manager or inv.organisation_id in own:
            scopes.append(Scope("organisation", inv.organisation))
    invited_ids = {inv.organisation_id for inv in invited}
    alliances = Alliance.objects.filter(pk__in=led_alliances(user)) if not manager else Alliance.objects.none()
    if manager and survey.alliance_id:
        alliances = Alliance.objects.filter(pk=survey.alliance_id)
    for alliance in alliances:
        if alliance_organisations({alliance.pk}) & invited_ids:
            scopes.append(Scope("alliance", alliance))
    nets = set(scope_of(user).coordinated_network_ids)
    if manager and survey.network_id:
        nets.add(survey.network_id)
    for network in Network.objects.filter(pk__in=nets):
        if network_organisations({network.pk}) & invited_ids:
            scopes.append(Scope("network", network))
    return scopes


def counted_responses() -> QuerySet:
    """The responses that count: those given with a personal code."""
    return Response.objects.filter(token__isnull=False)


def respondents(responses: QuerySet) -> int:
    """How many distinct personal codes ``responses`` were given with: the number the threshold compares."""
    return int(responses.filter(token__isnull=False).aggregate(n=Count("token", distinct=True))["n"] or 0)


def responses_in(survey: Survey, scope: Scope) -> QuerySet:
    qs = counted_responses().filter(survey=survey)
    orgs = scope.organisation_ids()
    if orgs is not None:
        qs = qs.filter(invitation__organisation__in=orgs)
    return qs


def response_count(*, survey: Survey | None = None, invitation: Invitation | None = None) -> int:
    """The responses of a survey or of one invitation, as the threshold counts them (for pages and reminders)."""
    qs = counted_responses()
    if survey is not None:
        qs = qs.filter(survey=survey)
    if invitation is not None:
        qs = qs.filter(invitation=invitation)
    return respondents(qs)


# --- results -----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    """Choices and scales: ``{label, count, percent}`` per option or point."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Scales and numbers: mean, and for numbers min, median, max."""
    texts: list[str] = field(default_factory=list)
    withheld: bool = False
    """Fewer than :data:`MIN_RESPONSES` answered it (a question shown on a condition, a free text few
    wrote): only the count, no figure and no text."""


@dataclass
class Results:
    survey: Survey
    scope: Scope
    count: int
    shown: bool
    message: str = ""
    questions: list[QuestionResult] = field(default_factory=list)
    filter_label: str = ""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "survey": self.survey.pk,
            "scope": {"kind": self.scope.kind, "id": getattr(self.scope.obj, "pk", None), "label": self.scope.label},
            "responses": self.count,
            "min_responses": MIN_RESPONSES,
            "shown": self.shown,
        }
        if self.filter_label:
            data["filter"] = self.filter_label
        if not self.shown:
            data["message"] = self.message
            return data
        data["questions"] = [
            {
                "code": r.question.code,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                **({"withheld": True} if r.withheld else {}),
                **({"rows": r.rows} if r.rows else {}),
                **({"stats": r.stats} if r.stats else {}),
                **({"texts": r.texts} if r.question.kind == QuestionKind.TEXT and not r.withheld else {}),
            }
            for r in self.questions
        ]
        return data


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


class FilterRefused(Exception):
    """A filter that would isolate fewer than the threshold."""


def survey_results(*, survey: Survey, scope: Scope, filter_question: str = "", filter_value: str = "") -> Results:
    """The aggregates of ``survey`` in ``scope`` (optionally only the respondents who gave one answer).

    Below the threshold, ``shown`` is false and no figure is computed. A filter is refused (with the
    reason as ``message``) when it keeps, or leaves out, between 1 and ``MIN_RESPONSES - 1`` responses.
    """
    responses = responses_in(survey, scope)
    total = respondents(responses)
    if total < MIN_RESPONSES:
        return Results(survey, scope, total, False, below_threshold_message(total))
    if scope.kind != "organisation":
        # Organisations' own results are shown from 5 responses: if those below 5 add up to 1-4, the
        # aggregate minus the shown organisations would single them out, so the aggregate is withheld.
        per_org = (
            responses.values("invitation__organisation")
            .annotate(n=Count("token", distinct=True))
            .values_list("n", flat=True)
        )
        small = sum(n for n in per_org if 0 < n < MIN_RESPONSES)
        if 0 < small < MIN_RESPONSES:
            message = _(
                "Results not shown: some organisations have fewer than %(min)s responses (%(small)s in all), "
                "and subtracting the others' results would single them out."
            ) % {"min": MIN_RESPONSES, "small": small}
            return Results(survey, scope, total, False, message)
    filter_label = ""
    if filter_question:
        question = survey.questions.filter(code=filter_question, kind__in=CHOICE_KINDS).first()
        if question is None or filter_value not in dict(question.choices):
            raise Http404
        filter_label = f"{question.text}: {question.label_of(filter_value)}"
        filtered = responses.filter(answers__question=question, answers__choice=filter_value)
        kept = respondents(filtered)
        if kept < MIN_RESPONSES or 0 < total - kept < MIN_RESPONSES:
            message = _(
                "This filter is not allowed: it would single out fewer than %(min)s people. No figures are shown."
            ) % {"min": MIN_RESPONSES}
            return Results(survey, scope, kept, False, message, filter_label=filter_label)
        responses, total = filtered, kept
    ids = responses.values("pk")
    answers = Answer.objects.filter(response__in=ids)
    questions = list(survey.questions.order_by("position"))
    answered = dict(
        answers.values("question").annotate(n=Count("response__token", distinct=True)).values_list("question", "n")
    )
    choice_counts: dict[tuple[int, str], int] = {
        (q, c): n
        for q, c, n in answers.exclude(choice="")
        .values("question", "choice")
        .annotate(n=Count("response__token", distinct=True))
        .values_list("question", "choice", "n")
    }
    numbers: dict[int, list[int]] = {}
    for q, value in answers.filter(number__isnull=False).values_list("question", "number"):
        numbers.setdefault(q, []).append(value)
    texts: dict[int, list[str]] = {}
    for q, text in answers.exclude(text="").values_list("question", "text"):
        texts.setdefault(q, []).append(text)
    out: list[QuestionResult] = []
    for q in questions:
        n = answered.get(q.pk, 0)
        result = QuestionResult(question=q, answered=n)
        if 0 < n < MIN_RESPONSES:
            result.withheld = True  # e.g. a question shown only to who gave an answer few others gave, or
            # a free text only a few wrote: its texts are never read, let alone shown
        elif q.kind in CHOICE_KINDS:
            result.rows = [
                {"code": code, "label": label, "count": choice_counts.get((q.pk, code), 0),
                 "percent": _percent(choice_counts.get((q.pk, code), 0), n)}
                for code, label in q.choices
            ]  # fmt: skip
        elif q.kind == QuestionKind.SCALE:
            values = numbers.get(q.pk, [])
            lo, hi = q.scale_min or 0, q.scale_max or 0
            result.rows = [
                {"code": str(v), "label": _scale_label(q, v), "count": values.count(v),
                 "percent": _percent(values.count(v), n)}
                for v in range(lo, hi + 1)
            ]  # fmt: skip
            if values:
                result.stats = {"mean": round(statistics.fmean(values), 2)}
        elif q.kind == QuestionKind.NUMBER:
            values = sorted(numbers.get(q.pk, []))
            if values:
                result.stats = {
                    "min": values[0],
                    "median": statistics.median(values),
                    "mean": round(statistics.fmean(values), 2),
                    "max": values[-1],
                }
        else:
            result.texts = sorted(texts.get(q.pk, []), key=str.casefold)  # never in the order given
        out.append(result)
    return Results(survey, scope, total, True, questions=out, filter_label=filter_label)


def withheld_message() -> str:
    return _("Fewer than %(min)s people answered this question: its figures are not shown.") % {"min": MIN_RESPONSES}


def _scale_label(q: Question, value: int) -> str:
    if value == q.scale_min and q.scale_min_label:
        return f"{value} – {q.scale_min_label}"
    if value == q.scale_max and q.scale_max_label:
        return f"{value} – {q.scale_max_label}"
    return str(value)


def results_table(results: Results) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows for the CSV/XLSX export (only the threshold message below it)."""
    headers = [_("Question code"), _("Question"), _("Answer"), _("Responses"), _("Percent")]
    title = [[_("Survey"), results.survey.title, "", "", ""], [_("Scope"), results.scope.label, "", "", ""]]
    if results.filter_label:
        title.append([_("Filter"), results.filter_label, "", "", ""])
    title.append([_("Responses"), str(results.count), "", "", ""])
    if not results.shown:
        return headers, [*title, [results.message, "", "", "", ""]]
    rows: list[list[Any]] = list(title)
    stat_names = {"min": _("Minimum"), "median": _("Median"), "mean": _("Mean"), "max": _("Maximum")}
    for r in results.questions:
        q = r.question
        rows.append([q.code, q.text, _("Answered"), r.answered, ""])
        if r.withheld:
            rows.append([q.code, q.text, withheld_message(), "", ""])
        for row in r.rows:
            rows.append([q.code, q.text, row["label"], row["count"], row["percent"]])
        for key, value in r.stats.items():
            rows.append([q.code, q.text, stat_names[key], value, ""])
        if not r.withheld:
            for text in r.texts:
                rows.append([q.code, q.text, text, "", ""])
    return headers, rows


# --- measures ----------------------------------------------------------------------------------


def measure_catalogue() -> list[dict[str, Any]]:
    """Each measure with how many organisations adopt it now (public adoptions only)."""
    counts = dict(
        CompanyMeasure.objects.filter(is_public=True, until__isnull=True)
        .values("measure")
        .annotate(n=Count("organisation", distinct=True))
        .values_list("measure", "n")
    )
    return [{"measure": m, "adopters": counts.get(m.pk, 0)} for m in Measure.objects.all()]


def public_measures_of(organisation_ids: set[int]) -> QuerySet:
    """The public, current measures of these organisations."""
    return (
        CompanyMeasure.objects.filter(organisation__in=organisation_ids, is_public=True, until__isnull=True)
        .select_related("organisation", "measure", "project")
        .order_by("organisation__name", "measure__position")
    )


def public_measures_by_network() -> list[dict[str, Any]]:
    """For each network with public adoptions among its organisations, those adoptions."""
    out = []
    for network in Network.objects.order_by("name"):
        measures = list(public_measures_of(network_organisations({network.pk})))
        if measures:
            out.append({"network": network, "measures": measures})
    return out


def open_surveys_for(user: Any) -> QuerySet:
    return Survey.objects.restrict(user, "view").filter(status=SurveyStatus.OPEN)


def invitations_of(user: Any, survey: Survey) -> list[Invitation]:
    """The invitations of ``survey`` the user may see (its own organisation's, or all for a manager)."""
    return list(Invitation.objects.restrict(user, "view").filter(survey=survey).select_related("organisation"))


# --- personal codes ----------------------------------------------------------------------------


def codes_summary(invitation: Invitation) -> dict[str, int]:
    """How many personal codes of the invitation were issued, used and are still unused."""
    tokens = RespondentToken.objects.filter(invitation=invitation)
    issued = tokens.count()
    used = tokens.filter(used_on__isnull=False).count()
    return {"issued": issued, "used": used, "unused": issued - used}


def personal_links_table(invitation: Invitation, codes: list[str], url_of: Any) -> tablib.Dataset:
    """The list handed out to the workers: one personal code and its link per row (``url_of(path)`` makes it absolute)."""
    from django.urls import reverse

    data = tablib.Dataset(headers=[_("Number"), _("Personal code"), _("Personal link")], title=_("Personal links")[:31])
    for i, code in enumerate(codes, start=1):
        data.append([i, code, url_of(reverse("workplace:answer_personal", args=[invitation.token, code]))])
    return data
