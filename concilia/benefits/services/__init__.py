"""Writes of the families' side: the household (:mod:`.household`) and applications (:mod:`.applications`).

Everything is re-exported here: callers write ``services.application_submit(...)``.
"""

from __future__ import annotations

from concilia.benefits.services.applications import (
    application_declare,
    application_set_children,
    application_set_preferences,
    application_start,
    application_submit,
    application_withdraw,
    attachment_add,
    eligibility_problems,
    employment_decide,
    may_file_for,
)
from concilia.benefits.services.closing import (
    close_due_calls,
    closing_day,
    final_ranking,
    objection_decide,
    objection_file,
    published_ranking,
    ranking_approve,
    ranking_request,
    recompute,
)
from concilia.benefits.services.household import (
    consent_give,
    consent_withdraw,
    household_save,
    isee_save,
    member_remove,
    member_save,
)
from concilia.benefits.services.places import (
    may_enrol,
    offer_name,
    place_answer,
    place_enrol,
    places_expire,
    places_offer,
)
from concilia.benefits.services.schemes import scheme_request_decide, scheme_request_submit
from concilia.benefits.services.vouchers import (
    batch_xlsx,
    covered,
    redemptions_approve,
    voucher_redeem,
    vouchers_expire,
    vouchers_issue,
)

__all__ = [
    "close_due_calls",
    "closing_day",
    "final_ranking",
    "objection_decide",
    "objection_file",
    "ranking_approve",
    "ranking_request",
    "recompute",
    "application_declare",
    "application_set_children",
    "application_set_preferences",
    "application_start",
    "application_submit",
    "application_withdraw",
    "attachment_add",
    "consent_give",
    "consent_withdraw",
    "eligibility_problems",
    "employment_decide",
    "household_save",
    "isee_save",
    "may_file_for",
    "may_enrol",
    "offer_name",
    "place_answer",
    "place_enrol",
    "places_expire",
    "places_offer",
    "published_ranking",
    "batch_xlsx",
    "covered",
    "redemptions_approve",
    "voucher_redeem",
    "vouchers_expire",
    "vouchers_issue",
    "scheme_request_decide",
    "scheme_request_submit",
    "member_remove",
    "member_save",
]
