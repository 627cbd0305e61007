"""Closing day: snapshot, ranking, explanation, two-person publication, objections, final ranking, recomputation."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.models import ClosingRun, Explanation, FamilyRanking, RankingSnapshot
from concilia.benefits.tests.test_applications import family, ready, voucher_call
from concilia.core.models import Notification
from concilia.core.testing import factories as f
from concilia.programming.choices import CallStatus

pytestmark = pytest.mark.django_db


def submitted_call(world: Any, families: int = 3) -> tuple[Any, list[Any]]:
    call = voucher_call(world)
    applications = []
    for i in range(families):
        household, child = family(f"famiglia{i}", working=i != 1)  # the second family is not eligible
        if i == 1:
            application = ready(call, household, child, household.owner)  # stays a draft: not in the ranking
        else:
            application = services.application_submit(
                application=ready(call, household, child, household.owner), by=household.owner
            )
        applications.append(application)
    return call, applications


def test_closing_day_ranks_explains_and_a_second_person_publishes(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, (first, draft, third) = submitted_call(world)
    with pytest.raises(ValidationError):
        services.closing_day(call=call, by=world.coordinator)  # before the deadline
    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, by=world.coordinator, now=after)
    call.refresh_from_db()
    assert call.status == CallStatus.EVALUATION and ranking.version == 1 and ranking.published_at is None
    assert [e["protocol"] for e in ranking.entries] == [first.protocol, third.protocol]  # the draft is not there
    public = str(ranking.entries)
    for name in ("famiglia0", "famiglia2", "Bea", "isee"):
        assert name not in public  # pseudonymised: protocol numbers, positions, points, outcomes only
    assert Explanation.objects.filter(ranking=ranking).count() == 2
    run = ClosingRun.objects.get(call=call)
    assert (run.status, run.total, run.done, run.percent) == ("done", 2, 2, 100)
    with pytest.raises(ValidationError):
        services.closing_day(call=call, now=after)  # once

    # The same snapshot always gives the same ranking (and explanations).
    result, records = services.recompute(ranking.snapshot)
    assert [e["protocol"] for e in ranking.entries] == [e.id for e in result.entries]
    assert list(records[1:]) == [x.record for x in ranking.explanations.order_by("pk")]

    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    with pytest.raises(ValidationError):
        services.ranking_approve(ranking=ranking, by=second, now=after)  # nobody asked yet
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    with pytest.raises(PermissionDenied):
        services.ranking_approve(ranking=ranking, by=world.coordinator, now=after)  # not the same person
    with pytest.raises(PermissionDenied):
        services.ranking_request(ranking=ranking, by=world.lead)
    first.household.owner.email = "famiglia0@example.org"
    first.household.owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.ranking_approve(ranking=ranking, by=second, now=after)
    call.refresh_from_db()
    ranking.refresh_from_db()
    assert call.status == CallStatus.PROVISIONAL_RANKING and ranking.published_at == after
    assert Notification.objects.filter(link=f"/famiglia/domande/{first.pk}/graduatoria/").exists()
    assert any(first.protocol in m.body and m.to == ["famiglia0@example.org"] for m in mail.outbox)

    # Each family sees its own explanation; nobody else does; everybody sees the pseudonymised list.
    owner = Client()
    owner.force_login(first.household.owner)
    with translation.override("it"):
        page = owner.get(f"/famiglia/domande/{first.pk}/graduatoria/").content.decode()
    assert "data-explanation" in page and first.protocol in page
    assert 'id="objection-text"' in page  # the objection form, until the deadline
    with time_machine.travel(ranking.objections_until + dt.timedelta(seconds=1)):
        owner.force_login(first.household.owner)  # the session of two weeks ago has expired
        late = owner.get(f"/famiglia/domande/{first.pk}/graduatoria/").content.decode()
    assert "data-explanation" in late and 'id="objection-text"' not in late  # not after it
    stranger = Client()
    stranger.force_login(third.household.owner)
    assert stranger.get(f"/famiglia/domande/{first.pk}/graduatoria/").status_code == 404
    listing = Client().get(f"/famiglia/graduatorie/{ranking.pk}/").content.decode()
    assert first.protocol in listing and "famiglia0" not in listing


def test_objections_then_the_final_ranking_from_a_corrected_snapshot(world: Any) -> None:
    call, (first, _draft, third) = submitted_call(world)
    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, now=after)
    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    services.ranking_approve(ranking=ranking, by=second, now=after)
    ranking.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.objection_file(application=first, text="Errore", by=third.household.owner, now=after)
    objection = services.objection_file(
        application=first, text="Le settimane sono 6, non 4", by=first.household.owner, now=after
    )
    with pytest.raises(ValidationError):
        services.final_ranking(call=call, by=world.coordinator, now=after)  # objections still open
    end = ranking.objections_until + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError):
        services.objection_file(application=third, text="Tardi", by=third.household.owner, now=end)
    with pytest.raises(ValidationError):
        services.final_ranking(call=call, by=world.coordinator, now=end)  # an objection is undecided
    with pytest.raises(ValidationError):
        services.objection_decide(objection=objection, accepted=True, reason="", by=world.coordinator)
    with translation.override("it"):  # the family is told in Italian
        services.objection_decide(
            objection=objection, accepted=True, reason="Settimane documentate", by=world.coordinator,
            corrections={"weeks_requested": 6},
        )  # fmt: skip
    told = Notification.objects.get(user=first.household.owner, subject__contains="Ricorso accolto")
    assert "Settimane documentate" in told.body
    final = services.final_ranking(call=call, by=world.coordinator, now=end)
    assert final.version == 2 and final.status == "final" and final.published_at is None
    corrected = next(r for r in final.snapshot.applications if r["application"] == first.pk)
    assert corrected["data"]["fields"]["weeks_requested"] == 6
    before = next(r for r in ranking.snapshot.applications if r["application"] == first.pk)
    assert before["data"]["fields"]["weeks_requested"] == 4  # the provisional snapshot is untouched
    assert RankingSnapshot.objects.filter(call=call).count() == 2
    assert FamilyRanking.objects.filter(call=call).count() == 2


def test_the_scheduled_job_closes_what_is_due(world: Any) -> None:
    call, _apps = submitted_call(world, families=1)
    assert services.close_due_calls(now=call.closes_at - dt.timedelta(seconds=1)) == 0
    assert services.close_due_calls(now=call.closes_at) == 1
    call.refresh_from_db()
    assert call.status == CallStatus.EVALUATION and call.family_rankings.count() == 1


def test_the_command_and_the_task_close_the_calls_past_their_deadline(world: Any, time_machine: Any) -> None:
    from django.core.management import call_command

    from concilia.benefits.tasks import close_due_calls

    call, _apps = submitted_call(world, families=1)
    other, _more = submitted_call(world, families=1)
    time_machine.move_to(call.closes_at - dt.timedelta(minutes=1), tick=False)
    assert close_due_calls() == 0
    time_machine.move_to(max(call.closes_at, other.closes_at) + dt.timedelta(minutes=1), tick=False)
    out = io.StringIO()
    call_command("close_calls", stdout=out)
    assert out.getvalue().strip() == "2 call(s) closed and ranked"
    assert close_due_calls() == 0  # nothing left to close


def test_closing_day_resumes_after_a_failure_and_nothing_is_published_half_done(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concilia.benefits.services import closing

    call, _apps = submitted_call(world)
    after = call.closes_at + dt.timedelta(minutes=1)
    monkeypatch.setattr(closing, "CHUNK", 1)
    real = Explanation.objects.bulk_create
    calls = {"n": 0}

    def failing(rows: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the database went away")
        return real(rows, *args, **kwargs)

    monkeypatch.setattr(Explanation.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        services.closing_day(call=call, now=after)
    run = ClosingRun.objects.get(call=call)
    assert (run.status, run.done, run.total) == ("failed", 1, 2)  # the first chunk was committed, with its progress
    ranking = FamilyRanking.objects.get(call=call)
    with pytest.raises(ValidationError):
        services.ranking_request(ranking=ranking, by=world.coordinator)  # not with half the explanations
    resumed = services.closing_day(call=call, now=after)
    assert resumed == ranking and ranking.explanations.count() == 2
    assert ClosingRun.objects.filter(call=call, status="done").count() == 1
    services.ranking_request(ranking=ranking, by=world.coordinator)


@pytest.mark.parametrize("use_celery", [False, True])
def test_a_coordinator_runs_closing_day_from_the_page(world: Any, time_machine: Any, use_celery: bool) -> None:
    from django.test import override_settings

    call, _apps = submitted_call(world, families=2)
    time_machine.move_to(call.closes_at + dt.timedelta(minutes=1), tick=False)
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    with override_settings(USE_CELERY=use_celery):  # with Celery the task is queued (run eagerly by the tests)
        response = coordinator.post(f"/famiglia/bandi/{call.pk}/chiusura/")
    assert response.status_code == 302 and response["Location"] == f"/famiglia/bandi/{call.pk}/graduatorie/"
    page = coordinator.get(response["Location"]).content.decode()
    assert 'data-progress="100"' in page and "data-family-ranking" in page
    assert FamilyRanking.objects.get(call=call).explanations.count() == 1  # the second family stayed a draft


def test_the_calls_coordinators_read_the_applications_and_the_read_is_recorded(world: Any) -> None:
    from concilia.core.models import SensitiveRead

    call, (first, _draft, _third) = submitted_call(world)
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    listing = coordinator.get(f"/famiglia/bandi/{call.pk}/domande/").content.decode()
    assert first.protocol in listing and "famiglia0" not in listing
    assert not SensitiveRead.objects.exists()  # the list shows no household data
    with translation.override("it"):
        page = coordinator.get(f"/famiglia/domande/{first.pk}/scheda/").content.decode()
    assert 'data-version="1"' in page and "ISEE" in page
    read = SensitiveRead.objects.get()
    assert (read.user, read.model, read.object_id) == (world.coordinator, "benefits.application", first.pk)
    for user in (world.lead, world.provider, first.household.owner, f.user_with_role(
        Role.NETWORK_COORDINATOR, username="altra-rete", network=world.other_network
    )):  # fmt: skip
        other = Client()
        other.force_login(user)
        assert other.get(f"/famiglia/bandi/{call.pk}/domande/").status_code == 404
        assert other.get(f"/famiglia/domande/{first.pk}/scheda/").status_code == 404
    assert SensitiveRead.objects.count() == 1
