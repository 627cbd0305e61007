"""Rankings of family calls: the public list (protocol numbers only), each family's own explanation, objections,
and the staff's steps (closing day with its progress, asking for publication, approving, deciding objections)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concilia.allocation.explain import record_text
from concilia.benefits import selectors, services, tasks
from concilia.benefits.apply_views import visible_applications
from concilia.benefits.models import Application, ClosingRun, FamilyRanking, Objection
from concilia.core.audit import record_sensitive_read
from concilia.core.permissions import is_coordinator
from concilia.core.workflow_views import WorkflowStep, refuse
from concilia.programming import family_fields
from concilia.programming.models import Call
from concilia.programming.services.common import require_coordinator


def ranking_public(request: HttpRequest, pk: int) -> HttpResponse:
    """A published ranking as everybody may read it: protocol numbers, positions, points, outcomes."""
    ranking = get_object_or_404(FamilyRanking.objects.select_related("call").filter(published_at__isnull=False), pk=pk)
    return render(request, "benefits/ranking_public.html", {"ranking": ranking, "entries": ranking.entries})


@login_required
def application_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's own place in the last published ranking: points by criterion, position, cut-off and why."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    explanation = selectors.published_place(application, user=request.user, where=request.path)
    if explanation is None:
        raise Http404(_("No ranking of this application is published yet."))
    ranking, record = explanation.ranking, explanation.record
    language = "it" if (translation.get_language() or "it").startswith("it") else "en"
    lines = record_text(record, ranking.header)[language]
    objections = application.objections.filter(ranking=ranking)
    can_object = selectors.may_object(application, ranking, request.user)
    if request.method == "POST":
        try:
            services.objection_file(application=application, text=request.POST.get("text", ""), by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Objection filed: you will be told the decision here and by e-mail."))
            return HttpResponseRedirect(reverse("benefits:application_ranking", args=[application.pk]))
    return render(
        request,
        "benefits/application_ranking.html",
        {"application": application, "ranking": ranking, "record": record, "lines": lines,
         "objections": objections, "can_object": can_object},
    )  # fmt: skip


class ClosingDayView(WorkflowStep):
    """A coordinator runs closing day now (the scheduled job does the same at the deadline)."""

    model = Call
    title = gettext_lazy("Closing day: rank the applications")
    intro = gettext_lazy(
        "The call is closed, every submitted application is frozen as it stands and ranked by the call's rules; "
        "each family's explanation is stored. The ranking is published only when a second person approves it."
    )
    button = gettext_lazy("Close and rank")

    def load(self, request: HttpRequest, pk: int) -> None:
        self.object = get_object_or_404(Call, pk=pk)
        if not is_coordinator(self.object.network_id, request.user):
            raise Http404

    def perform(self, form: forms.Form) -> str:
        if settings.USE_CELERY:  # a worker runs it; the rankings page shows its progress until it is done
            require_coordinator(self.object, self.request.user)
            tasks.close_call.delay(self.object.pk, self.request.user.pk)
            return _("Closing day has started: the progress is shown below.")
        ranking = services.closing_day(call=self.object, by=self.request.user)
        return _("Ranking version %(version)s computed: ask for its publication.") % {"version": ranking.version}

    def success_url(self) -> str:
        return reverse("benefits:ranking_staff", args=[self.object.pk])


@login_required
def ranking_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's rankings for its coordinators: closing-day progress, versions, publication, objections."""
    call = get_object_or_404(Call, pk=pk)
    if not is_coordinator(call.network_id, request.user):
        raise Http404
    return render(
        request,
        "benefits/ranking_staff.html",
        {
            "call": call,
            "run": ClosingRun.objects.filter(call=call).first(),
            "rankings": call.family_rankings.order_by("-version"),
            "objections": Objection.objects.filter(ranking__call=call).select_related("application", "ranking"),
        },
    )


def _staff_ranking(request: HttpRequest, pk: int) -> FamilyRanking:
    ranking = get_object_or_404(FamilyRanking.objects.select_related("call"), pk=pk)
    if not is_coordinator(ranking.call.network_id, request.user):
        raise Http404
    return ranking


@login_required
def ranking_request(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = _staff_ranking(request, pk)
    if request.method == "POST":
        try:
            services.ranking_request(ranking=ranking, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Publication asked: a second coordinator approves it."))
    return HttpResponseRedirect(reverse("benefits:ranking_staff", args=[ranking.call_id]))


@login_required
def ranking_approve(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = _staff_ranking(request, pk)
    if request.method == "POST":
        try:
            services.ranking_approve(ranking=ranking, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Ranking published: every family has been told."))
    return HttpResponseRedirect(reverse("benefits:ranking_staff", args=[ranking.call_id]))


@login_required
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("ranking__call"), pk=pk)
    if not is_coordinator(objection.ranking.call.network_id, request.user):
        raise Http404
    if request.method == "POST":
        try:
            services.objection_decide(
                objection=objection,
                accepted=request.POST.get("accepted") == "1",
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    return HttpResponseRedirect(reverse("benefits:ranking_staff", args=[objection.ranking.call_id]))


@login_required
def final_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    if not is_coordinator(call.network_id, request.user):
        raise Http404
    if request.method == "POST":
        try:
            ranking = services.final_ranking(call=call, by=request.user, reason=request.POST.get("reason", ""))
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(
                request, _("Final ranking computed (version %(v)s): ask for its publication.") % {"v": ranking.version}
            )
    return HttpResponseRedirect(reverse("benefits:ranking_staff", args=[call.pk]))


@login_required
def call_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """A call's applications for its coordinators: protocol, status, when, who filed (no household data here)."""
    call = get_object_or_404(Call, pk=pk)
    if not is_coordinator(call.network_id, request.user):
        raise Http404
    rows = (
        Application.objects.filter(call=call)
        .exclude(status="draft")
        .select_related("call", "child")
        .order_by("protocol_number")
    )
    return render(request, "benefits/call_applications.html", {"call": call, "rows": rows})


@login_required
def application_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted application as its call's coordinators read it: what was declared, version by version.

    The declared data include ISEE and disability: the read is recorded (``core.SensitiveRead``).
    """
    application = get_object_or_404(
        Application.objects.select_related("call", "household__owner").exclude(status="draft"), pk=pk
    )
    if not is_coordinator(application.call.network_id, request.user):
        raise Http404
    versions = list(application.versions.order_by("-number"))
    record_sensitive_read(user=request.user, objects=[application], where=request.path)
    return render(
        request,
        "benefits/application_staff.html",
        {"application": application, "versions": versions, "labels": family_fields.labels()},
    )
