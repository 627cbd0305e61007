"""Builder validation, response validation, anonymity and the 5-response threshold in the selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from concilia.workplace import selectors, services
from concilia.workplace.models import Answer, Question, RespondentToken, Response
from concilia.workplace.tests import factories as wf


def test_a_condition_on_a_later_question_is_refused(place: Any) -> None:
    first = place.survey.questions.get(code="figli")
    later = place.survey.questions.get(code="difficolta")
    first.condition_question, first.condition_operator, first.condition_value = later, "gte", "2"
    with pytest.raises(ValidationError) as exc:
        first.full_clean()
    assert "earlier question" in str(exc.value)


def test_a_choice_question_needs_options_and_a_condition_known_codes(place: Any) -> None:
    q = Question(survey=place.survey, position=9, code="x", text="X", kind="single", options="solo")
    with pytest.raises(ValidationError) as exc:
        q.full_clean()
    assert "at least two options" in str(exc.value)
    q = Question(
        survey=place.survey, position=9, code="x", text="X", kind="text",
        condition_question=place.survey.questions.get(code="nido"), condition_operator="in", condition_value="forse",
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        q.full_clean()
    assert "forse" in str(exc.value)


def test_a_scale_needs_its_bounds_in_order() -> None:
    q = Question(position=1, code="s", text="S", kind="scale", scale_min=5, scale_max=1)
    with pytest.raises(ValidationError) as exc:
        q.full_clean(exclude=["survey"])
    assert "above the lowest" in str(exc.value)


def test_required_answers_are_enforced_and_nothing_is_saved(place: Any) -> None:
    [code] = wf.codes(place.invitation)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=place.invitation.token, code=code, data={"figli": "1"})
    assert set(exc.value.message_dict) == {"nido", "misure", "difficolta"}
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not RespondentToken.objects.filter(used_on__isnull=False).exists()  # the code is still good


def test_the_answer_to_a_hidden_question_is_dropped(place: Any) -> None:
    data = {**wf.ANSWER, "figli": "0", "nido": "si"}
    [code] = wf.codes(place.invitation)
    response = services.response_submit(token=place.invitation.token, code=code, data=data)
    codes = set(response.answers.values_list("question__code", flat=True))
    assert "nido" not in codes and {"figli", "misure", "difficolta", "note"} <= codes
    assert response.answers.filter(question__code="misure").count() == 2


def test_out_of_range_and_unknown_options_are_refused(place: Any) -> None:
    [code] = wf.codes(place.invitation)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            token=place.invitation.token, code=code, data={**wf.ANSWER, "difficolta": "9", "misure": ["x"]}
        )
    assert set(exc.value.message_dict) == {"difficolta", "misure"}


def test_a_closed_survey_refuses_answers_and_a_bad_token_is_404(place: Any, world: Any) -> None:
    [code] = wf.codes(place.invitation)
    services.survey_close(survey=place.survey, by=world.lead)
    with pytest.raises(ValidationError, match="closed") as exc:
        services.response_submit(token=place.invitation.token, code=code, data=wf.ANSWER)
    assert exc.value.code == "closed"
    with pytest.raises(Http404):
        services.response_submit(token="no-such-token", code=code, data=wf.ANSWER)
    assert not Response.objects.exists()
    assert RespondentToken.objects.get().used_on is None


def test_a_response_keeps_no_user_no_address_no_time() -> None:
    names = {f.name for f in Response._meta.get_fields()}
    assert names == {"id", "survey", "invitation", "token", "submitted_on", "is_example", "answers"}
    # the personal code names nobody either: neither who issued it nor who used it, and only the day of use
    assert {f.name for f in RespondentToken._meta.get_fields()} == {
        "id", "invitation", "digest", "created_at", "used_on", "responses"
    }  # fmt: skip
    assert RespondentToken._meta.get_field("used_on").get_internal_type() == "DateField"
    assert isinstance(Response._meta.get_field("submitted_on"), type(Response._meta.get_field("submitted_on")))
    assert Response._meta.get_field("submitted_on").get_internal_type() == "DateField"
    assert not hasattr(Response, "history") and not hasattr(Answer, "history")


def test_four_responses_show_no_figures_five_do(place: Any) -> None:
    scope = selectors.Scope("organisation", place.company)
    wf.answer_times(place.invitation, 4)
    results = selectors.survey_results(survey=place.survey, scope=scope)
    assert not results.shown and results.count == 4 and results.questions == []
    assert "now 4" in results.message
    headers, rows = selectors.results_table(results)
    assert all("Sì" not in str(c) for row in rows for c in row)
    wf.answer_times(place.invitation, 1)
    results = selectors.survey_results(survey=place.survey, scope=scope)
    assert results.shown and results.count == 5
    nido = next(r for r in results.questions if r.question.code == "nido")
    assert nido.rows[0] == {"code": "si", "label": "Sì", "count": 5, "percent": 100.0}
    scale = next(r for r in results.questions if r.question.code == "difficolta")
    assert scale.stats == {"mean": 4.0}
    figli = next(r for r in results.questions if r.question.code == "figli")
    assert figli.stats == {"min": 2, "median": 2, "mean": 2.0, "max": 2}


def test_each_scope_has_its_own_threshold(place: Any, world: Any) -> None:
    wf.answer_times(place.invitation, 5)
    wf.answer_times(place.other_invitation, 3)
    shown = lambda scope: selectors.survey_results(survey=place.survey, scope=scope).shown  # noqa: E731
    assert shown(selectors.Scope("organisation", place.company))
    assert not shown(selectors.Scope("organisation", place.other_company))
    assert shown(selectors.Scope("alliance", world.alliance))  # the company is a partner (the other is not)
    # the whole survey minus the first company would give the other company's 3 answers: withheld
    whole = selectors.survey_results(survey=place.survey, scope=selectors.Scope("survey"))
    assert not whole.shown and whole.count == 8 and "subtracting" in whole.message
    wf.answer_times(place.other_invitation, 2)
    assert shown(selectors.Scope("survey")) and shown(selectors.Scope("organisation", place.other_company))


def test_a_question_fewer_than_five_answered_shows_only_its_count(place: Any) -> None:
    # 6 responses: 2 with children (they see "nido"), 4 without: the nido question has 2 answers
    wf.answer_times(place.invitation, 2)
    wf.answer_times(place.invitation, 4, {**wf.ANSWER, "figli": "0", "nido": ""})
    results = selectors.survey_results(survey=place.survey, scope=selectors.Scope("organisation", place.company))
    assert results.shown and results.count == 6
    nido = next(r for r in results.questions if r.question.code == "nido")
    assert nido.withheld and nido.answered == 2 and nido.rows == [] and nido.stats == {}
    figli = next(r for r in results.questions if r.question.code == "figli")
    assert not figli.withheld and figli.stats["max"] == 2
    api = next(q for q in results.as_dict()["questions"] if q["code"] == "nido")
    assert api == {"code": "nido", "text": "Le serve il nido?", "kind": "single", "answered": 2, "withheld": True}
    _headers, rows = selectors.results_table(results)
    assert [row[2] for row in rows if row[0] == "nido"] == ["Answered", selectors.withheld_message()]


def test_a_filter_isolating_fewer_than_five_is_refused(place: Any) -> None:
    wf.answer_times(place.invitation, 6)
    wf.answer_times(place.invitation, 3, {**wf.ANSWER, "misure": ["banca"]})
    scope = selectors.Scope("organisation", place.company)
    refused = selectors.survey_results(survey=place.survey, scope=scope, filter_question="misure", filter_value="banca")
    assert not refused.shown and refused.questions == [] and "fewer than 5" in refused.message
    # 6 kept but 3 left out: the difference would reveal the 3, so it is refused too
    also = selectors.survey_results(survey=place.survey, scope=scope, filter_question="misure", filter_value="agile")
    assert not also.shown


def test_survey_from_template_copies_questions_and_conditions(place: Any, world: Any) -> None:
    template = wf.survey(None, status="draft", is_template=True, title="Modello")
    copy = services.survey_from_template(template=template, owner=world.lead_org, by=world.lead, title="Copia")
    nido = copy.questions.get(code="nido")
    assert copy.derived_from == template and copy.status == "draft" and copy.owner == world.lead_org
    assert nido.condition_question.survey == copy and nido.condition_question.code == "figli"


def test_open_needs_the_manager_and_a_draft(place: Any, world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    draft = wf.survey(world.lead_org, status="draft")
    with pytest.raises(PermissionDenied):
        services.survey_open(survey=draft, by=place.hr)
    opened = services.survey_open(survey=draft, by=world.lead, today=dt.date(2026, 3, 1))
    assert opened.status == "open" and opened.opens_on == dt.date(2026, 3, 1)
    with pytest.raises(ValidationError):
        services.survey_open(survey=opened, by=world.lead)
