"""Issue 13, "survey threshold gamed by padding": whoever holds an organisation's link cannot pad the
count to 5 with dummy answers and then read the fifth, real person's answers (free text included); one
person cannot answer twice; the threshold counts distinct personal codes, never rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from concilia.core import clock
from concilia.workplace import selectors, services
from concilia.workplace.models import Answer, RespondentToken, Response
from concilia.workplace.tests import factories as wf
from concilia.workplace.tests.test_views import client

SECRET = "Mio figlio ha una disabilità e nessuno lo sa in azienda"
DUMMY = {"figli": "0", "misure": ["agile"], "difficolta": "1", "note": "x"}


def results_seen_by_hr(place: Any) -> tuple[str, dict[str, Any], str]:
    """The company scope's results page, API answer and CSV export, as the company's HR gets them."""
    hr = client(place.hr)
    params = {"organisation": place.company.pk}
    url = f"/aziende/questionari/{place.survey.pk}/risultati/"
    page = hr.get(url, params).content.decode()
    api = hr.get(f"/api/workplace/surveys/{place.survey.pk}/results/", params).json()
    csv = hr.get(url, {**params, "_export": "csv"}).content.decode()
    return page, api, csv


def test_four_dummy_answers_through_the_organisation_link_do_not_reveal_the_fifth_person(place: Any) -> None:
    # given the holder of the company's link, who sends 4 dummy answers through it (page and API)
    link = f"/aziende/questionari/{place.invitation.token}/"
    anonymous = client()
    for _ in range(2):
        anonymous.post(link, DUMMY)
        anonymous.post(f"/api/workplace/answer/{place.invitation.token}/", DUMMY, content_type="application/json")
    # when one real worker then answers, with a free text
    wf.answer_times(place.invitation, 1, {**wf.ANSWER, "note": SECRET})
    # then the company's HR sees no figure and not the text: on the page, in the API, in the exports
    page, api, csv = results_seen_by_hr(place)
    assert SECRET not in page and "data-percent" not in page
    assert api["shown"] is False and api["responses"] == 1 and "questions" not in api
    assert SECRET not in csv
    # and the dummy answers were never recorded
    assert Response.objects.filter(invitation=place.invitation).count() == 1


def test_one_personal_link_answers_once_so_it_cannot_pad_either(place: Any) -> None:
    # given a worker with one personal link, who answers and then tries 4 more times (page and API)
    [code] = wf.codes(place.invitation)
    personal = f"/aziende/questionari/{place.invitation.token}/{code}/"
    anonymous = client()
    assert anonymous.post(personal, DUMMY).status_code == 302
    for _ in range(2):
        assert anonymous.post(personal, DUMMY).status_code == 400
        api = anonymous.post(
            f"/api/workplace/answer/{place.invitation.token}/{code}/", DUMMY, content_type="application/json"
        )
        assert api.status_code == 409
    # when a real worker answers too
    wf.answer_times(place.invitation, 1, {**wf.ANSWER, "note": SECRET})
    # then 2 people answered: nothing shown
    page, api, csv = results_seen_by_hr(place)
    assert api["responses"] == 2 and api["shown"] is False
    assert SECRET not in page and SECRET not in csv
    assert Response.objects.count() == 2


def test_a_second_use_of_a_code_is_refused_and_changes_nothing(place: Any) -> None:
    [code] = wf.codes(place.invitation)
    first = services.response_submit(token=place.invitation.token, code=code, data=wf.ANSWER)
    answers = Answer.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=place.invitation.token, code=code, data={**DUMMY, "note": "di nuovo"})
    assert exc.value.code == "used_code" and "already been used" in exc.value.messages[0]
    assert list(Response.objects.all()) == [first] and Answer.objects.count() == answers
    assert not Answer.objects.filter(text="di nuovo").exists()
    token = RespondentToken.objects.get()
    assert token.used_on == clock.today() and first.token == token


def test_a_code_of_another_invitation_or_an_unknown_one_is_refused(place: Any) -> None:
    [other] = wf.codes(place.other_invitation)
    for code in (other, "AAAA-BBBB-CCCC-DDDD", "not a code", ""):
        with pytest.raises(ValidationError) as exc:
            services.response_submit(token=place.invitation.token, code=code, data=wf.ANSWER)
        assert exc.value.code == "unknown_code", code
    assert not Response.objects.exists()
    assert RespondentToken.objects.get().used_on is None


class Meanwhile(dict):
    """Answers whose first read runs ``meanwhile``: by then the code's check has passed, and nothing is saved yet."""

    def __init__(self, data: dict[str, Any], meanwhile: Any) -> None:
        super().__init__(data)
        self.meanwhile = meanwhile

    def get(self, key: str, default: Any = None) -> Any:
        meanwhile, self.meanwhile = self.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        return super().get(key, default)


def test_a_code_used_between_the_check_and_the_save_is_refused_and_changes_nothing(place: Any) -> None:
    # given two answers with one code: the second is sent, checked and saved while the first is between
    # its check of the code and its save (what two simultaneous requests do; with real threads on
    # PostgreSQL in test_concurrency.py)
    [code] = wf.codes(place.invitation)
    token = place.invitation.token
    second: list[Response] = []
    first = Meanwhile(
        {**wf.ANSWER, "note": "primo"},
        lambda: second.append(services.response_submit(token=token, code=code, data={**wf.ANSWER, "note": "secondo"})),
    )
    # when the first goes on, then it is refused as used, and only the second is recorded
    with pytest.raises(ValidationError) as exc:
        services.response_submit(token=token, code=code, data=first)
    assert exc.value.code == "used_code"
    assert list(Response.objects.all()) == second
    assert list(Answer.objects.filter(question__code="note").values_list("text", flat=True)) == ["secondo"]


def test_the_database_refuses_two_responses_with_one_code(place: Any) -> None:
    """The backstop under the service's conditional update: a code is the code of at most one response."""
    from django.db import IntegrityError, transaction

    [code] = wf.codes(place.invitation)
    response = services.response_submit(token=place.invitation.token, code=code, data=wf.ANSWER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            survey=place.survey, invitation=place.invitation, token=response.token, submitted_on=clock.today()
        )
    assert Response.objects.count() == 1


def test_the_threshold_counts_distinct_codes_not_rows(place: Any) -> None:
    # given 4 people who answered with their codes, and 10 rows without a code (as before codes existed)
    wf.answer_times(place.invitation, 4)
    for _ in range(10):
        Response.objects.create(survey=place.survey, invitation=place.invitation, submitted_on=clock.today())
    scope = selectors.Scope("organisation", place.company)
    results = selectors.survey_results(survey=place.survey, scope=scope)
    assert not results.shown and results.count == 4
    assert selectors.response_count(invitation=place.invitation) == 4
    # a join that repeats each response (two options chosen each) still counts people, not rows
    joined = Response.objects.filter(answers__question__code="misure")
    assert joined.count() == 8 and selectors.respondents(joined) == 4
    # the fifth person shows the figures, computed on the 5 with a code only
    wf.answer_times(place.invitation, 1)
    results = selectors.survey_results(survey=place.survey, scope=scope)
    assert results.shown and results.count == 5
    misure = next(r for r in results.questions if r.question.code == "misure")
    assert misure.answered == 5 and misure.rows[0]["count"] == 5


def test_the_aggregate_rule_counts_codes_too(place: Any, world: Any) -> None:
    # the other company: 3 people and 5 rows without a code; it must not look like 8 in the subtraction rule
    wf.answer_times(place.invitation, 5)
    wf.answer_times(place.other_invitation, 3)
    for _ in range(5):
        Response.objects.create(survey=place.survey, invitation=place.other_invitation, submitted_on=clock.today())
    whole = selectors.survey_results(survey=place.survey, scope=selectors.Scope("survey"))
    assert not whole.shown and whole.count == 8 and "subtracting" in whole.message


def test_free_text_few_wrote_is_never_shown_anywhere(place: Any) -> None:
    # given 6 people, of whom only 2 wrote a note
    wf.answer_times(place.invitation, 2, {**wf.ANSWER, "note": SECRET})
    wf.answer_times(place.invitation, 4, {**wf.ANSWER, "note": ""})
    results = selectors.survey_results(survey=place.survey, scope=selectors.Scope("organisation", place.company))
    note = next(r for r in results.questions if r.question.code == "note")
    assert results.shown and note.withheld and note.answered == 2 and note.texts == []
    # then the page, the API and both exports show the count and not the texts
    page, api, csv = results_seen_by_hr(place)
    assert SECRET not in page and "data-withheld" in page
    api_note = next(q for q in api["questions"] if q["code"] == "note")
    assert api_note == {"code": "note", "text": "Note", "kind": "text", "answered": 2, "withheld": True}
    assert SECRET not in csv
    xlsx = client(place.hr).get(
        f"/aziende/questionari/{place.survey.pk}/risultati/", {"organisation": place.company.pk, "_export": "xlsx"}
    )
    import io

    import openpyxl

    cells = [
        c for row in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert SECRET not in cells and selectors.withheld_message() in cells
    # and once 5 wrote one, the texts are shown
    wf.answer_times(place.invitation, 3, {**wf.ANSWER, "note": SECRET})
    page, api, csv = results_seen_by_hr(place)
    assert SECRET in page and SECRET in csv


@override_settings(CONCILIA_THROTTLES={**settings.CONCILIA_THROTTLES, "survey": "3/hour"})
def test_guessing_personal_codes_from_one_address_stops_at_the_rate(place: Any) -> None:
    # given one address that tries codes on the page, on the personal link and through the API
    guesser = client()
    token = place.invitation.token
    tries = [
        lambda: guesser.post(f"/aziende/questionari/{token}/", {"code": "AAAA-BBBB-CCCC-DDDD"}),
        lambda: guesser.get(f"/aziende/questionari/{token}/AAAA-BBBB-CCCC-DDDE/"),
        lambda: guesser.post(
            f"/api/workplace/answer/{token}/AAAA-BBBB-CCCC-DDDF/", DUMMY, content_type="application/json"
        ),
    ]
    # when it has used up the rate (three tries, each refused as an unknown code)
    assert [t().status_code for t in tries] == [400, 404, 400]
    # then every further try is refused before any code is looked at, with the time to wait
    refused = [t() for t in tries]
    assert [r.status_code for r in refused] == [429, 429, 429]
    assert all(int(r["Retry-After"]) > 0 for r in refused)
    # and a valid code still works from another address
    code = services.respondent_tokens_issue(invitation=place.invitation, count=1, by=None)[0]
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.get(f"/aziende/questionari/{token}/{code}/").status_code == 200
