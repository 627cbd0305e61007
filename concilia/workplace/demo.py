"""Load the workplace demo from ``workplace/data/demo.yaml``: measures, example adoptions, templates, surveys.

Runs after the network, accounts and programming demos (organisations, alliances and the Net & Co
project are found by name). Idempotent: every record is found by its natural key and saved only when
a value differs; example responses are generated (with a fixed random seed, each with a personal
code issued for it, through :func:`~concilia.workplace.services.response_submit`) only for an
invitation that has none, so what demo users answer is never touched. Example responses loaded before
personal codes existed get a used code each, so that they still count. The invitation tokens are fixed in the YAML, so the Coop
Lombardia link shown on its invitation page survives reloads.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from concilia.core import clock
from concilia.core.services import object_save
from concilia.network.models import Alliance, Organisation
from concilia.programming.models import Project
from concilia.workplace import services
from concilia.workplace.choices import QuestionKind, SurveyStatus
from concilia.workplace.models import (
    CompanyMeasure,
    Invitation,
    Measure,
    Question,
    RespondentToken,
    Response,
    Survey,
    code_digest,
    new_respondent_code,
    normalise_code,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


@dataclass
class DemoResult:
    counts: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        if not self.counts:
            return "workplace.demo: nothing changed"
        created = sum(v for k, v in self.counts.items() if k.endswith(".created"))
        updated = sum(v for k, v in self.counts.items() if k.endswith(".updated"))
        return f"workplace.demo: {created} created, {updated} updated"  # as the other demo loaders say it


def _upsert(model: Any, key: dict[str, Any], values: dict[str, Any], counts: Counter) -> Any:
    obj = model.objects.filter(**key).first()
    name = model._meta.model_name
    if obj is None:
        obj = model(**key, **values)
        object_save(instance=obj, by=None)
        counts[f"{name}.created"] += 1
        return obj
    changed = False
    for k, v in values.items():
        if getattr(obj, k) != v:
            setattr(obj, k, v)
            changed = True
    if changed:
        object_save(instance=obj, by=None)
        counts[f"{name}.updated"] += 1
    return obj


def _source(item: dict[str, Any]) -> str:
    return f"{item['seed']}: «{item['quote']}»"


def load(*, force: bool = False, path: Path = DATA_FILE, today: dt.date | None = None) -> DemoResult:
    result = DemoResult()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = today or clock.today()
    counts = result.counts
    with transaction.atomic():
        measures = {}
        for pos, m in enumerate(data["measures"], start=1):
            measures[m["code"]] = _upsert(
                Measure,
                {"code": m["code"]},
                {"name": m["name"], "category": m["category"], "description": m["description"], "position": pos},
                counts,
            )
        note = " ".join(data["adoption_note"].split()) + "\nFonte: " + _source(data["adoption_source"])
        for a in data["adoptions"]:
            project = Project.objects.filter(title=a["project"]).first() if a.get("project") else None
            _upsert(
                CompanyMeasure,
                {
                    "organisation": Organisation.objects.get(name=a["organisation"]),
                    "measure": measures[a["measure"]],
                    "since": a["since"],
                },
                {
                    "employees_covered": a["employees_covered"],
                    "project": project,
                    "is_public": True,
                    "is_example": True,
                    "note": note,
                },
                counts,
            )
        templates = {}
        for t in data["templates"]:
            template = _upsert(
                Survey,
                {"template_code": t["code"]},
                {"title": t["title"], "intro": " ".join(t["intro"].split()), "is_template": True},
                counts,
            )
            _questions(template, t["questions"], counts)
            templates[t["code"]] = template
        for s in data["surveys"]:
            _survey(s, templates[s["template"]], today, counts)
    return result


def _questions(survey: Survey, items: list[dict[str, Any]], counts: Counter) -> None:
    if survey.questions.filter(answers__isnull=False).exists():
        return  # answered: the questions stay as they were answered
    by_code: dict[str, Question] = {}
    for pos, q in enumerate(items, start=1):
        values: dict[str, Any] = {
            "position": pos,
            "text": q["text"],
            "kind": q["kind"],
            "required": q.get("required", True),
            "options": "\n".join(q.get("options", [])),
            "scale_min": q.get("scale_min"),
            "scale_max": q.get("scale_max"),
            "scale_min_label": q.get("scale_min_label", ""),
            "scale_max_label": q.get("scale_max_label", ""),
            "number_min": q.get("number_min"),
            "number_max": q.get("number_max"),
            "condition_question": None,
            "condition_operator": "",
            "condition_value": "",
        }
        if q.get("condition"):
            target, op, value = q["condition"]
            values.update(condition_question=by_code[target], condition_operator=op, condition_value=value)
        by_code[q["code"]] = _upsert(Question, {"survey": survey, "code": q["code"]}, values, counts)


def _survey(s: dict[str, Any], template: Survey, today: dt.date, counts: Counter) -> Survey:
    owner = Organisation.objects.get(name=s["owner"])
    survey = Survey.objects.filter(title=s["title"], is_template=False).first()
    if survey is None:
        survey = services.survey_from_template(template=template, owner=owner, title=s["title"], by=None)
        survey.alliance = Alliance.objects.filter(name=s.get("alliance", "")).first()
        survey.is_example = True
        survey.status = SurveyStatus.OPEN
        survey.opens_on = today
        object_save(instance=survey, by=None, reason="demo")
        counts["survey.created"] += 1
    for inv in s["invitations"]:
        org = Organisation.objects.get(name=inv["organisation"])
        invitation = Invitation.objects.filter(survey=survey, organisation=org).first()
        if invitation is None:
            invitation = Invitation(survey=survey, organisation=org)
            invitation.token = inv["token"]
            object_save(instance=invitation, by=None)
            counts["invitation.created"] += 1
        wanted = inv.get("example_responses", 0)
        if wanted and not invitation.responses.exists() and survey.status == SurveyStatus.OPEN:
            rng = random.Random(f"{survey.title}/{org.name}")  # noqa: S311 - fixed seed: the same examples each time
            questions = list(Question.objects.filter(survey=survey).order_by("position"))
            codes = services.respondent_tokens_issue(invitation=invitation, count=wanted, by=None)
            for code in codes:
                response = services.response_submit(
                    token=invitation.token,
                    code=code,
                    data=_example_answers(questions, rng),
                    today=survey.opens_on or today,
                )
                Response.objects.filter(pk=response.pk).update(is_example=True)
                counts["response.created"] += 1
                counts["respondenttoken.created"] += 1
        _codes_for_old_examples(invitation, counts)
    return survey


def _codes_for_old_examples(invitation: Invitation, counts: Counter) -> None:
    """A used personal code for each example response generated before codes existed (no one holds it)."""
    for response in invitation.responses.filter(is_example=True, token__isnull=True):
        digest = code_digest(normalise_code(new_respondent_code()) or "")
        token = RespondentToken.objects.create(invitation=invitation, digest=digest, used_on=response.submitted_on)
        Response.objects.filter(pk=response.pk).update(token=token)
        counts["respondenttoken.created"] += 1


def _example_answers(questions: list[Question], rng: random.Random) -> dict[str, Any]:
    """Plausible answers to every question (the service drops those whose condition is not met)."""
    out: dict[str, Any] = {}
    for q in questions:
        codes = [c for c, _label in q.choices]
        if q.kind == QuestionKind.SINGLE:
            out[q.code] = rng.choice(codes)
        elif q.kind == QuestionKind.MULTIPLE:
            out[q.code] = rng.sample(codes, rng.randint(1, min(3, len(codes))))
        elif q.kind == QuestionKind.SCALE:
            out[q.code] = rng.randint(q.scale_min or 1, q.scale_max or 5)
        elif q.kind == QuestionKind.NUMBER:
            low = q.number_min if q.number_min is not None else 0
            high = q.number_max if q.number_max is not None else low + 200
            out[q.code] = rng.randint(low, min(high, low + 3) if high <= 10 else min(high, low + 40))
        elif not q.required and rng.random() < 0.3:
            out[q.code] = rng.choice(
                ["Più flessibilità in uscita.", "Servizi vicino al lavoro.", "Nessuna osservazione."]
            )
    return out
