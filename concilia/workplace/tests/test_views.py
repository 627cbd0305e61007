"""Permissions of every workplace page and endpoint, and the threshold on pages, API and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client

from concilia.accounts.choices import Role
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.core.testing.battery import sent_to_login
from concilia.workplace.models import CompanyMeasure, Response
from concilia.workplace.tests import factories as wf


def client(user: Any = None) -> Client:
    """A browser that chose English (the EN button): pages' messages are matched in English."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        c.force_login(user)
    return c


def users(world: Any, place: Any) -> dict[str, Any]:
    return {
        "anonymous": None,
        "other_hr": place.other_hr,
        "hr": place.hr,
        "lead": world.lead,
        "other_lead": world.other_lead,
        "coordinator": world.coordinator,
        "admin": world.admin,
    }


def denied(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code in (302, 401, 403) and (
            response.status_code != 302 or "/accesso/" in response["Location"]
        )
    return response.status_code in (403, 404)


# Who may open the results of each scope of the place's survey (owner: the world's lead organisation,
# network: the world's network; the HR's company is a partner of the world's alliance).
RESULTS = {
    "": {"lead", "coordinator", "admin"},
    "organisation": {"hr", "lead", "coordinator", "admin"},
    "alliance": {"lead", "coordinator", "admin"},
}


@pytest.mark.parametrize("scope", list(RESULTS))
def test_results_page_and_api_permissions(world: Any, place: Any, scope: str) -> None:
    wf.answer_times(place.invitation, 5)
    query = {"organisation": place.company.pk, "alliance": world.alliance.pk}.get(scope)
    params = {scope: query} if scope else {}
    page = f"/aziende/questionari/{place.survey.pk}/risultati/"
    api = f"/api/workplace/surveys/{place.survey.pk}/results/"
    for role, user in users(world, place).items():
        c = client(user)
        r_page, r_api = c.get(page, params), c.get(api, params)
        r_csv = c.get(page, {**params, "_export": "csv"})
        if role in RESULTS[scope]:
            assert r_page.status_code == 200, (role, r_page.status_code)
            assert r_api.status_code == 200 and r_api.json()["shown"], role
            assert r_csv.status_code == 200 and "Sì" in r_csv.content.decode(), role
        else:
            assert denied(r_page, role), (role, r_page.status_code)
            assert r_api.status_code in (401, 403, 404), (role, r_api.status_code)
            assert denied(r_csv, role), role


def test_other_company_hr_cannot_see_another_companys_results(world: Any, place: Any) -> None:
    wf.answer_times(place.invitation, 5)
    r = client(place.other_hr).get(
        f"/aziende/questionari/{place.survey.pk}/risultati/", {"organisation": place.company.pk}
    )
    assert r.status_code == 403


def test_four_responses_no_figures_on_page_api_and_exports_five_show_them(world: Any, place: Any) -> None:
    wf.answer_times(place.invitation, 4)
    c = client(place.hr)
    page = f"/aziende/questionari/{place.survey.pk}/risultati/"
    params = {"organisation": place.company.pk}
    body = c.get(page, params).content.decode()
    assert "at least 5 responses are needed (now 4)" in body and "data-percent" not in body
    api = c.get(f"/api/workplace/surveys/{place.survey.pk}/results/", params).json()
    assert api["shown"] is False and api["responses"] == 4 and "questions" not in api
    csv = c.get(page, {**params, "_export": "csv"}).content.decode()
    assert "now 4" in csv and "Sì" not in csv and "Grazie" not in csv
    xlsx = c.get(page, {**params, "_export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    wf.answer_times(place.invitation, 1)
    body = c.get(page, params).content.decode()
    assert 'data-percent="100.0"' in body and "Grazie" in body
    api = c.get(f"/api/workplace/surveys/{place.survey.pk}/results/", params).json()
    nido = next(q for q in api["questions"] if q["code"] == "nido")
    assert api["shown"] and nido["rows"][0]["count"] == 5


def test_the_public_answering_page_needs_no_login_and_records_anonymously(place: Any) -> None:
    first, second = wf.codes(place.invitation, 2)
    c = client()
    # the organisation's link asks for the personal code, and accepts no answers by itself
    url = f"/aziende/questionari/{place.invitation.token}/"
    page = c.get(url).content.decode()
    assert 'name="code"' in page and "Quanti figli?" not in page
    refused = c.post(url, {"figli": "0", "misure": ["agile"], "difficolta": "2"})
    assert refused.status_code == 400 and "only through a personal link" in refused.content.decode()
    assert not Response.objects.exists()
    # a code typed from paper, in lower case and without dashes, leads to the personal link
    typed = c.post(url, {"code": first.replace("-", "").lower()})
    assert typed.status_code == 303 and typed["Location"] == f"{url}{first}/"
    personal = c.get(typed["Location"])
    assert personal.status_code == 200 and "Quanti figli?" in personal.content.decode()
    r = c.post(typed["Location"], {"figli": "0", "misure": ["agile"], "difficolta": "2"})
    assert r.status_code == 302 and r["Location"].endswith("/grazie/")
    response = Response.objects.get()
    assert response.submitted_on == clock.today() and response.token.used_on == clock.today()
    assert c.get(r["Location"]).status_code == 200
    # the personal link is used up: shown as such, and a second answer through it is refused
    again = c.get(typed["Location"])
    assert again.status_code == 410 and "already been used" in again.content.decode()
    twice = c.post(typed["Location"], {"figli": "0", "misure": ["agile"], "difficolta": "2"})
    assert twice.status_code == 400 and "already been used" in twice.content.decode()
    bad = c.post(f"{url}{second}/", {"figli": "1"})
    assert bad.status_code == 400 and "needs an answer" in bad.content.decode()
    assert Response.objects.count() == 1
    assert c.get("/aziende/questionari/not-a-token/").status_code == 404
    unknown = c.get(f"{url}AAAA-BBBB-CCCC-DDDD/")
    assert unknown.status_code == 404 and "not valid" in unknown.content.decode()
    wrong = c.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 400 and "not valid" in wrong.content.decode()


def test_a_draft_surveys_link_is_404_and_a_closed_one_says_closed(world: Any, place: Any) -> None:
    draft = wf.survey(world.lead_org, status="draft")
    inv = wf.invitation(draft)
    assert client().get(f"/aziende/questionari/{inv.token}/").status_code == 404
    [code] = wf.codes(place.invitation)
    place.survey.status = "closed"
    place.survey.save()
    page = client().get(f"/aziende/questionari/{place.invitation.token}/")
    assert page.status_code == 200 and "closed" in page.content.decode()
    personal = f"/aziende/questionari/{place.invitation.token}/{code}/"
    assert "closed" in client().get(personal).content.decode()
    assert client().post(f"/aziende/questionari/{place.invitation.token}/", {"code": code}).status_code == 400
    closed = client().post(personal, wf.ANSWER)
    assert closed.status_code == 400 and "closed" in closed.content.decode()
    assert not Response.objects.exists()


def test_api_answer_endpoint(place: Any) -> None:
    first, second = wf.codes(place.invitation, 2)
    c = client()
    answer = {"figli": 1, "nido": "no", "misure": ["banca"], "difficolta": 3}
    url = f"/api/workplace/answer/{place.invitation.token}/"
    alone = c.post(url, answer, content_type="application/json")
    assert alone.status_code == 400 and "personal link" in str(alone.json())
    ok = c.post(f"{url}{first}/", answer, content_type="application/json")
    assert ok.status_code == 201, ok.content
    used = c.post(f"{url}{first}/", answer, content_type="application/json")
    assert used.status_code == 409 and "already been used" in str(used.json())
    bad = c.post(f"{url}{second}/", {"figli": 1}, content_type="application/json")
    assert bad.status_code == 400 and "nido" in bad.json()
    unknown = c.post(f"{url}AAAA-BBBB-CCCC-DDDD/", answer, content_type="application/json")
    assert unknown.status_code == 400 and "not valid" in str(unknown.json())
    assert c.post("/api/workplace/answer/nope/", {}, content_type="application/json").status_code == 404
    assert c.post(f"/api/workplace/answer/nope/{second}/", answer, content_type="application/json").status_code == 404
    assert Response.objects.count() == 1


def test_responses_are_never_listed(world: Any, place: Any) -> None:
    wf.answer_times(place.invitation, 5)
    for user in (None, world.admin, world.lead):
        assert client(user).get("/api/workplace/responses/").status_code == 404


STEP_ALLOWED = {"lead", "coordinator", "admin"}


@pytest.mark.parametrize("step", ["apri", "chiudi", "anteprima"])
def test_survey_steps_permissions(world: Any, place: Any, step: str) -> None:
    for role, user in users(world, place).items():
        s = wf.survey(world.lead_org, network=world.network, status="draft" if step != "chiudi" else "open")
        wf.invitation(s, place.company)
        r = client(user).get(f"/aziende/questionari/{s.pk}/{step}/")
        allowed = STEP_ALLOWED | ({"hr"} if step == "anteprima" else set())
        if role in allowed:
            assert r.status_code == 200, (role, r.status_code)
        else:
            assert denied(r, role), (role, r.status_code)
    s = wf.survey(world.lead_org, network=world.network, status="draft")
    if step == "apri":
        denied_post = client(place.hr).post(f"/aziende/questionari/{s.pk}/apri/")
        assert denied_post.status_code in (403, 404)
        s.refresh_from_db()
        assert s.status == "draft"
        assert client(world.lead).post(f"/aziende/questionari/{s.pk}/apri/").status_code == 302
        s.refresh_from_db()
        assert s.status == "open"


def test_invitation_page_shows_the_link_to_its_company_hr_only(world: Any, place: Any) -> None:
    url = f"/aziende/inviti/{place.invitation.pk}/"
    page = client(place.hr).get(url)
    assert page.status_code == 200 and place.invitation.token in page.content.decode()
    assert client(place.other_hr).get(url).status_code == 404
    assert sent_to_login(client().get(url))
    assert client(world.lead).get(url).status_code == 200


def test_create_from_template_page(world: Any, place: Any) -> None:
    template = wf.survey(None, status="draft", is_template=True, title="Modello lavoratori")
    url = f"/aziende/questionari/{template.pk}/da-modello/"
    assert client().get(url).status_code == 302
    assert client(f.UserFactory(username="nessuno")).get(url).status_code == 404
    r = client(place.hr).post(url, {"owner": place.company.pk, "title": "I nostri bisogni"})
    assert r.status_code == 302
    created = place.company.surveys.get(title="I nostri bisogni")
    assert created.questions.count() == 5
    refused = client(place.hr).post(url, {"owner": world.lead_org.pk, "title": "Non mio"})
    assert refused.status_code == 400


def test_company_measures_visibility_and_public_pages(world: Any, place: Any) -> None:
    m = wf.measure(name="Banca delle ore")
    hidden = CompanyMeasure.objects.create(organisation=place.company, measure=m, since=dt.date(2020, 1, 1))
    shown = CompanyMeasure.objects.create(
        organisation=place.company, measure=wf.measure(name="Lavoro agile"), since=dt.date(2020, 1, 1), is_public=True
    )
    api = "/api/workplace/company-measures/"
    ids = lambda user: {row["id"] for row in client(user).get(api).json()["results"]}  # noqa: E731
    assert ids(None) == {shown.pk}
    assert ids(place.other_hr) == {shown.pk}
    assert ids(place.hr) == {shown.pk, hidden.pk}
    assert ids(world.lead) == {shown.pk, hidden.pk}  # the company partners its alliance
    assert ids(world.other_lead) == {shown.pk}
    page = client().get("/aziende/misure/").content.decode()
    assert "Lavoro agile" in page and "Impresa Uno" in page
    tag = Template("{% load workplace %}{% public_measures obj %}")
    html = tag.render(Context({"obj": world.alliance}))
    assert "Lavoro agile" in html and "Banca delle ore" not in html
    assert "Lavoro agile" not in tag.render(Context({"obj": world.other_alliance}))
    # HR records its own measures, not another company's
    c = client(place.hr)
    mine = c.post(
        "/aziende/misure-adottate/nuovo/", {"organisation": place.company.pk, "measure": m.pk, "since": "2024-01-01"}
    )
    assert mine.status_code == 302
    theirs = c.post(
        "/aziende/misure-adottate/nuovo/",
        {"organisation": place.other_company.pk, "measure": m.pk, "since": "2024-01-01"},
    )
    assert theirs.status_code == 400
    assert not CompanyMeasure.objects.filter(organisation=place.other_company).exists()
    assert client(place.other_hr).get(f"/aziende/misure-adottate/{hidden.pk}/modifica/").status_code in (403, 404)


def test_survey_register_visibility(world: Any, place: Any) -> None:
    url = f"/aziende/questionari/{place.survey.pk}/"
    assert sent_to_login(client().get(url))
    assert client(place.hr).get(url).status_code == 200
    assert (
        client(f.user_with_role(Role.COMPANY_HR, organisation=f.CompanyFactory(), username="hr-tre"))
        .get(url)
        .status_code
        == 404
    )
    assert client(place.hr).get(f"/aziende/questionari/{place.survey.pk}/modifica/").status_code == 403
    assert client(world.lead).get(f"/aziende/questionari/{place.survey.pk}/modifica/").status_code == 200


def test_a_filter_isolating_fewer_than_five_is_refused_on_the_page_and_in_the_api(world: Any, place: Any) -> None:
    wf.answer_times(place.invitation, 6)
    wf.answer_times(place.invitation, 2, {**wf.ANSWER, "misure": ["banca"]})
    c = client(world.lead)
    page = c.get(f"/aziende/questionari/{place.survey.pk}/risultati/", {"filter": "misure:banca"}).content.decode()
    assert "fewer than 5 people" in page and "data-percent" not in page
    api = c.get(
        f"/api/workplace/surveys/{place.survey.pk}/results/", {"filter_question": "misure", "filter_value": "banca"}
    ).json()
    assert api["shown"] is False and "questions" not in api
    wf.answer_times(place.invitation, 3, {**wf.ANSWER, "misure": ["banca"]})
    ok = c.get(f"/aziende/questionari/{place.survey.pk}/risultati/", {"filter": "misure:banca"}).content.decode()
    assert 'data-percent="100.0"' in ok


def test_network_and_alliance_pages_show_only_public_measures(world: Any, place: Any) -> None:
    CompanyMeasure.objects.create(
        organisation=place.company, measure=wf.measure(name="Banca delle ore"), since=dt.date(2020, 1, 1)
    )
    CompanyMeasure.objects.create(
        organisation=place.company, measure=wf.measure(name="Lavoro agile"), since=dt.date(2020, 1, 1), is_public=True
    )
    for url in (world.alliance.get_absolute_url(), world.network.get_absolute_url()):
        body = client().get(url).content.decode()
        assert "Lavoro agile" in body and "Banca delle ore" not in body, url
    assert "Lavoro agile" not in client().get(world.other_network.get_absolute_url()).content.decode()


def test_a_coordinator_creates_a_survey_for_a_member_from_a_template(world: Any) -> None:
    template = wf.survey(None, status="draft", is_template=True, title="Modello comuni")
    url = f"/aziende/questionari/{template.pk}/da-modello/"
    r = client(world.coordinator).post(url, {"owner": world.lead_org.pk, "title": "Misure nei Comuni"})
    assert r.status_code == 302
    created = world.lead_org.surveys.get(title="Misure nei Comuni")
    assert created.network == world.network
    refused = client(world.coordinator).post(url, {"owner": world.other_lead_org.pk, "title": "Fuori rete"})
    assert refused.status_code == 400
