"""A funded project's accounts: expense reports by the lead, decisions by the coordinators, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.permissions import is_coordinator, is_lead_of
from concilia.core.services import object_save
from concilia.core.workflow import relock
from concilia.programming import budget
from concilia.programming.choices import ProjectStatus, ReportStatus
from concilia.programming.models import ExpenseLine, ExpenseReport, Project
from concilia.programming.services.common import euro


def _require_project_lead(project: Project, by: Any) -> None:
    """The lead reports its expenses; the coordinators, who approve them, do not write them (separation of duties)."""
    if not is_lead_of(project.lead_id, by):
        raise PermissionDenied(_("Only the project's lead may do this."))


def _project_network_id(project: Project) -> int | None:
    if project.call is not None:
        return project.call.network_id
    if project.plan is not None:
        return project.plan.network_id
    return project.alliance.network_id if project.alliance is not None else None


def _require_project_coordinator(project: Project, by: Any) -> None:
    if not is_coordinator(_project_network_id(project), by):
        raise PermissionDenied(_("Only the coordinators of the project's network may do this."))


def expense_report_create(
    *, project: Project, period_start: dt.date, period_end: dt.date, by: Any, notes: str = ""
) -> ExpenseReport:
    _require_project_lead(project, by)
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("The project is closed."))
    return object_save(
        instance=ExpenseReport(project=project, period_start=period_start, period_end=period_end, notes=notes), by=by
    )


def expense_line_add(
    *, report: ExpenseReport, category: str, description: str, amount_cents: int, by: Any, document: Any = None
) -> ExpenseLine:
    _require_project_lead(report.project, by)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Only a draft report can be changed."))
    line = ExpenseLine(report=report, category=category, description=description, amount_cents=amount_cents)
    if document is not None:
        line.document = document
    return object_save(instance=line, by=by)


def expense_report_submit(*, report: ExpenseReport, by: Any, now: dt.datetime | None = None) -> ExpenseReport:
    """The lead submits a draft expense report with at least one line."""
    _require_project_lead(report.project, by)
    with transaction.atomic():
        report = relock(report)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError(_("This report has already been submitted."))
        if report.project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is closed."))
        if not report.lines.exists():
            raise ValidationError(_("The report needs at least one expense line."))
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now or clock.now()
        return object_save(instance=report, by=by, reason=_("Submitted"))


def expense_line_decide(
    *, line: ExpenseLine, approved_cents: int, reason: str, by: Any, now: dt.datetime | None = None
) -> ExpenseLine:
    """Approve a line fully or partly (partly needs a reason); the project's approved total stays within its grant."""
    reason = (reason or "").strip()
    project = line.report.project
    _require_project_coordinator(project, by)
    if approved_cents < 0 or approved_cents > line.amount_cents:
        raise ValidationError({"approved_cents": _("The approved amount cannot exceed the amount claimed.")})
    if approved_cents < line.amount_cents and not reason:
        raise ValidationError({"reason": _("A partial approval or a rejection needs a reason.")})
    with transaction.atomic():
        project = relock(project)
        line = relock(line)
        report = line.report
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("Only the lines of a submitted report are decided."))
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is closed."))
        others = int(
            ExpenseLine.objects.filter(report__project=project, approved_cents__isnull=False)
            .exclude(pk=line.pk)
            .aggregate(t=Sum("approved_cents"))["t"]
            or 0
        )
        if others + approved_cents > project.granted_cents:
            raise ValidationError(
                {
                    "approved_cents": _("Approved expenses would exceed the grant: at most %(left)s can be approved.")
                    % {"left": euro(max(project.granted_cents - others, 0))}
                }
            )
        line.approved_cents = approved_cents
        line.decision_reason = reason
        object_save(instance=line, by=by, reason=reason)
        if not report.lines.filter(approved_cents__isnull=True).exists():
            report.status = ReportStatus.REVIEWED
            report.reviewed_at = now or clock.now()
            object_save(instance=report, by=by, reason=_("Reviewed"))
    return line


def project_close(*, project: Project, by: Any) -> Project:
    """Settle a project's accounts: what was not approved goes back to the plan."""
    _require_project_coordinator(project, by)
    with transaction.atomic():
        project = relock(project)
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is already closed."))
        if project.expense_reports.filter(status=ReportStatus.SUBMITTED).exists():
            raise ValidationError(_("Decide the submitted expense reports before closing the project."))
        approved = budget.project_figures(project).spent
        project.returned_cents = max(project.granted_cents - approved, 0)
        project.status = ProjectStatus.CLOSED
        object_save(instance=project, by=by, reason=_("Accounts settled"))
    return project
