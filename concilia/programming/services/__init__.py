"""Writes of the programming cycle: every page, API endpoint, command and task goes through these.

One module per workflow — :mod:`.calls` (with :mod:`.family`: a family call's terms and offers), :mod:`.proposals`, :mod:`.evaluation`, :mod:`.rankings`,
:mod:`.projects` — built on the toolkit of :mod:`concilia.core.workflow` (locks, state machine and
event log, protocol numbers); reads are in :mod:`concilia.programming.selectors`. Everything is
re-exported here, so callers write ``services.proposal_submit(...)``.

Calls move only along ``CALL_TRANSITIONS``, each move recorded as a :class:`CallEvent`; the moves to
the ranking statuses happen only by publishing a ranking (:func:`ranking_publish`), so a call in
"final ranking" always has its projects. Money is committed only under row locks, taken parents
first — plan, then call, then the call's protocol counter or a proposal, then a project — so that
concurrent writers queue up instead of deadlocking, and no level ever commits more than it has.

``by`` is the user acting. ``by=None`` is the system itself (management commands, demo data), which
passes the permission checks; pages and the API always pass ``request.user``.
"""

from __future__ import annotations

from concilia.programming.selectors import (
    _half_up_hundredths,
    conflicting_organisations,
    proposal_fields,
    proposal_total_cost,
    proposals_fields,
    ranking_compute,
)
from concilia.programming.services.calls import CALL_WORKFLOW, RANKING_STATUSES, call_transition
from concilia.programming.services.evaluation import (
    ADMISSIBILITY_STATUSES,
    admissibility_check,
    admissibility_set,
    conflict_declare,
    conflict_withdraw,
    evaluator_assign,
    score_set,
)
from concilia.programming.services.family import family_call_check, family_part_remove, family_part_save
from concilia.programming.services.projects import (
    expense_line_add,
    expense_line_decide,
    expense_report_create,
    expense_report_submit,
    project_close,
)
from concilia.programming.services.proposals import (
    PROPOSAL_EDITABLE,
    proposal_action_add,
    proposal_budget_line_add,
    proposal_create,
    proposal_delete,
    proposal_item_remove,
    proposal_item_save,
    proposal_partner_add,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from concilia.programming.services.rankings import ranking_publish

__all__ = [
    "ADMISSIBILITY_STATUSES",
    "CALL_WORKFLOW",
    "PROPOSAL_EDITABLE",
    "RANKING_STATUSES",
    "_half_up_hundredths",
    "admissibility_check",
    "admissibility_set",
    "call_transition",
    "conflict_declare",
    "conflict_withdraw",
    "conflicting_organisations",
    "evaluator_assign",
    "expense_line_add",
    "expense_line_decide",
    "expense_report_create",
    "expense_report_submit",
    "family_call_check",
    "family_part_remove",
    "family_part_save",
    "project_close",
    "proposal_action_add",
    "proposal_budget_line_add",
    "proposal_create",
    "proposal_delete",
    "proposal_fields",
    "proposal_item_remove",
    "proposal_item_save",
    "proposal_partner_add",
    "proposal_submit",
    "proposal_total_cost",
    "proposal_update",
    "proposal_withdraw",
    "proposals_fields",
    "ranking_compute",
    "ranking_publish",
    "score_set",
]
