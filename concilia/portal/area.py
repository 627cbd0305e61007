"""The work area (``/area/``): each signed-in user's landing page after login.

What waits for the user (drafts to complete, proposals to score or admit, join requests and babysitter
applications to decide, appointments today, open cases, listings about to expire) and the registers
the user can act on. Nothing here is a hand-kept list per role: each task is a queryset narrowed by
the same policy the registers use (:func:`concilia.core.permissions.restrict` with the action the
register's workflow step asks), and the navigation lists every register whose ``add`` or ``change``
the user holds on some record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from concilia.citizens.services import CITIZEN_SESSION_KEY
from concilia.core import clock
from concilia.core.permissions import can, restrict
from concilia.core.registry import registers

#: How many days ahead a babysitter's listing counts as expiring.
EXPIRING_DAYS = 30


@dataclass(frozen=True)
class Task:
    """One kind of waiting work: the records of ``model`` in a state, on which the user may ``action``."""

    key: str
    label: Any
    model: str  # "app_label.ModelName"
    action: str
    filter: Callable[[dt.date], dict[str, Any]]
    url_name: str
    params: Callable[[dt.date], dict[str, str]]

    def queryset(self, user: Any, today: dt.date) -> models.QuerySet:
        model = apps.get_model(self.model)
        return restrict(model._default_manager.filter(**self.filter(today)), user, self.action)

    def url(self, today: dt.date) -> str:
        return reverse(self.url_name) + "?" + urlencode(self.params(today))


def _day_bounds(today: dt.date) -> dict[str, Any]:
    start = dt.datetime.combine(today, dt.time.min, tzinfo=clock.localnow().tzinfo)
    return {"starts_at__gte": start, "starts_at__lt": start + dt.timedelta(days=1), "status": "booked"}


TASKS: tuple[Task, ...] = (
    Task(
        "drafts", _("Draft proposals to complete and submit"), "programming.Proposal", "submit",
        lambda d: {"status": "draft"}, "programming:proposal_list", lambda d: {"status": "draft"},
    ),
    Task(
        "to_score", _("Proposals to score"), "programming.Proposal", "score",
        lambda d: {"status": "submitted"}, "programming:proposal_list", lambda d: {"status": "submitted"},
    ),
    Task(
        "to_admit", _("Proposals awaiting the admissibility check"), "programming.Proposal", "admit",
        lambda d: {"status": "submitted", "admissibility": "pending"}, "programming:proposal_list",
        lambda d: {"status": "submitted", "admissibility": "pending"},
    ),
    Task(
        "join_requests", _("Requests to join an alliance to decide"), "network.JoinRequest", "decide",
        lambda d: {"status": "pending"}, "network:joinrequest_list", lambda d: {"status": "pending"},
    ),
    Task(
        "applications", _("Babysitter applications to verify"), "registry.Babysitter", "manage",
        lambda d: {"status": "submitted"}, "registry:babysitter_list", lambda d: {"status": "submitted"},
    ),
    Task(
        "expiring", _("Babysitter listings expiring within 30 days"), "registry.Babysitter", "manage",
        lambda d: {"status": "listed", "expires_on__gte": d, "expires_on__lte": d + dt.timedelta(days=EXPIRING_DAYS)},
        "registry:babysitter_list",
        lambda d: {"status": "listed", "expires_before": (d + dt.timedelta(days=EXPIRING_DAYS)).isoformat()},
    ),
    Task(
        "appointments_today", _("Appointments today"), "helpdesk.Appointment", "change",
        _day_bounds, "helpdesk:appointment_list", lambda d: {"day": d.isoformat(), "status": "booked"},
    ),
    Task(
        "draft_surveys", _("Draft surveys to complete and open"), "workplace.Survey", "manage",
        lambda d: {"status": "draft", "is_template": False}, "workplace:survey_list", lambda d: {"status": "draft"},
    ),
    Task(
        "unpublished_services", _("Services not yet published"), "services.Service", "change",
        lambda d: {"is_published": False}, "services:service_list", lambda d: {"is_published": "false"},
    ),
    Task(
        "open_cases", _("Open help-desk cases"), "helpdesk.Case", "change",
        lambda d: {"status": "open"}, "helpdesk:case_list", lambda d: {"status": "open"},
    ),
)  # fmt: skip


def waiting(user: Any, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The tasks with something waiting for ``user``: key, label, count and the link to the filtered register."""
    day = today or clock.today()
    out = []
    for task in TASKS:
        count = task.queryset(user, day).count()
        if count:
            out.append({"key": task.key, "label": task.label, "count": count, "url": task.url(day)})
    return out


def acting_registers(user: Any) -> list[dict[str, Any]]:
    """The registers ``user`` may add to or change some record of, grouped by app: [{app, items: [...]}]."""
    groups: dict[str, dict[str, Any]] = {}
    for reg in registers():
        try:
            url = reverse(reg.url_name("list"))
        except NoReverseMatch:
            continue
        if not (can(user, "add", reg.model) or can(user, "change", reg.model)):
            continue
        app = apps.get_app_config(reg.app_label)
        group = groups.setdefault(reg.app_label, {"app": app.verbose_name, "items": []})
        group["items"].append({"label": reg.model._meta.verbose_name_plural, "url": url, "slug": reg.slug})
    return list(groups.values())


@login_required
def work_area(request: HttpRequest) -> HttpResponse:
    if request.session.get(CITIZEN_SESSION_KEY):
        return redirect("citizens:area")  # a citizen's landing page is the personal area
    from concilia.accounts.choices import Role
    from concilia.benefits.services import may_file_for
    from concilia.core.permissions import scope_of

    tasks = waiting(request.user)
    return render(
        request,
        "portal/area.html",
        {
            "tasks": tasks,
            "register_groups": acting_registers(request.user),
            "today": clock.today(),
            "may_file": may_file_for(request.user),
            "is_provider": scope_of(request.user).has_role(Role.SERVICE_PROVIDER),
            "is_coordinator": bool(scope_of(request.user).coordinated_network_ids),
        },
    )
