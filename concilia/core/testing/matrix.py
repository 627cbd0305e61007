"""The permission matrix: every page and API operation × every role × an object of its own scope and another's.

The routes come from the URL configuration (``get_resolver()``) and the operations from the OpenAPI schema
(drf-spectacular): nothing is listed by hand but the rules. Every route and operation must be classified
here, or ``core/tests/test_permission_matrix.py`` fails naming it, so a new page or endpoint is covered as
soon as it exists. The outcomes the matrix expects:

- what a role may do answers (2xx, 3xx that is not the login page, or 400 for the empty form it is sent);
- anonymous → the login page (pages) or 401/403 (API), except that the API answers 404 to a read of a
  record the visitor cannot see (as it does to anybody who cannot see it: no record is confirmed);
- a signed-in user without the right → 403 on what it can see, 404 on what it cannot (another scope's
  record is never confirmed to exist);
- and nothing is written to the database by a refused request.

The world (:func:`build_world`) has two symmetric sides, ``own`` and ``other``: each a network with its
coordinator organisation, an alliance and its lead, a provider, a company, a desk's organisation and a
registry's keeper, and a record of every register built on it. One user per role (the roles of
``accounts.choices.Role``, which the demo accounts use, plus the evaluator, a demo account without a
role) acts for the ``own`` side; every object route is tried with the ``own`` side's record and the
``other`` side's.

The rules are declared per register (:data:`ACCESS`, the table of ``docs/permissions.md`` for the records
of this world) and per route or operation that is not a register's (:data:`PAGES`, :data:`OPERATIONS`).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from concilia.accounts.choices import Role
from concilia.core import clock
from concilia.core.registry import Register, registers

# --- roles -------------------------------------------------------------------------------------

ANON = "anonymous"
PLAIN = "plain"  # signed in, no role
ADMIN = str(Role.PLATFORM_ADMIN)
COORD = str(Role.NETWORK_COORDINATOR)
LEAD = str(Role.ALLIANCE_LEAD)
PROV = str(Role.SERVICE_PROVIDER)
HR = str(Role.COMPANY_HR)
DESK = str(Role.DESK_OPERATOR)
KEEPER = str(Role.REGISTRY_OPERATOR)
EVAL = "evaluator"  # no role: an Evaluator row for a call (the demo account "valutatore")

#: Every role the matrix tries: anonymous, a user without a role, one user per role of the platform, the evaluator.
ROLES: tuple[str, ...] = (ANON, PLAIN, *(str(r) for r in Role), EVAL)
ORG_ROLES = frozenset({LEAD, PROV, HR, DESK, KEEPER})  # users acting for an organisation
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
NOBODY: frozenset[str] = frozenset()

#: Roles whose scope is one side of the world (the others see both sides alike).
SCOPED_ROLES = frozenset({COORD, LEAD, PROV, HR, DESK, KEEPER, EVAL})
SIDES = ("own", "other")


def roles(*names: str) -> frozenset[str]:
    """The roles named, and the platform administrator (who may do everything the registers allow)."""
    return frozenset({*names, ADMIN})


# --- outcomes ----------------------------------------------------------------------------------


class Outcome(enum.Enum):
    ALLOW = "allowed"
    LOGIN = "login"
    FORBIDDEN = "403"
    NOT_FOUND = "404"


LOGIN_PATHS = ("/accesso/", "/admin/login/")


def outcome_of(response: Any, *, api: bool) -> Outcome | None:
    """The outcome a response shows (``None``: none of them, e.g. a 405 or a 500)."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return Outcome.LOGIN if location.startswith(LOGIN_PATHS) else Outcome.ALLOW
    if status == 403:
        return Outcome.LOGIN if api and _not_authenticated(response) else Outcome.FORBIDDEN
    if status == 401:
        return Outcome.LOGIN
    if status == 404:
        return Outcome.NOT_FOUND
    if 200 <= status < 300 or status == 400:
        return Outcome.ALLOW
    return None


def _not_authenticated(response: Any) -> bool:
    """DRF's 403 for a request without credentials (the session authentication sends no challenge)."""
    from rest_framework.exceptions import NotAuthenticated

    data = getattr(response, "data", None)
    detail = data.get("detail") if isinstance(data, dict) else None
    return getattr(detail, "code", None) == NotAuthenticated.default_code


def same(expected: Outcome, got: Outcome | None, role: str, api: bool) -> bool:
    """Whether ``got`` is ``expected``. For the API, anonymous refusals are 401/403 whatever the reason."""
    if got is expected:
        return True
    return api and role == ANON and expected is Outcome.LOGIN and got is Outcome.FORBIDDEN


# --- rules -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """Who may do what to a register's record of the ``own`` side (``view=EVERYONE``: a public record).

    ``everywhere``: roles that also see the ``other`` side's record (a coordinator sees every service).
    An action the register's writer refuses (``core/writers.py``) is refused to everybody, admin included.
    """

    view: frozenset[str]
    change: frozenset[str] = frozenset({ADMIN})
    delete: frozenset[str] = frozenset({ADMIN})
    add: frozenset[str] = frozenset({ADMIN})
    everywhere: frozenset[str] = NOBODY
    fixture: str = ""
    """The record the register's routes use (default: the model's label)."""
    scoped: bool = True
    """False: public reference data, the same on both sides (tried on one)."""


@dataclass(frozen=True)
class Rule:
    """Who may use one route (or API operation) on the ``own`` side's record."""

    allow: frozenset[str]
    see: frozenset[str] = EVERYONE
    """Who sees the record (a refusal is 403 for them, 404 for the others)."""
    fixture: str | None = None
    """The record whose pk (or token) fills the route; ``None``: the route takes none."""
    allow_other: frozenset[str] | None = None
    """Who may use it on the ``other`` side's record (default: the admin, or everyone for a public route)."""
    see_other: frozenset[str] | None = None
    """Who sees the ``other`` side's record (default: the admin, or everyone if the record is public)."""
    login_first: bool = True
    """Whether anonymous visitors are sent to log in before anything else (False: the API reading a record)."""
    methods: tuple[str, ...] | None = None
    """The methods to try (default: the view's handlers)."""
    body: Callable[[Any, str], dict[str, Any]] | None = None
    """A request body (world, side → data) that passes the input's validation, so the permission decides."""
    scoped: bool = True
    note: str = ""
    refusal: Outcome | None = None
    """The answer to every signed-in user it refuses (the admin site sends them to its own login page)."""
    roles_tried: tuple[str, ...] | None = None
    """The roles the matrix tries (default: all of :data:`ROLES`)."""
    form_for_viewers: bool = False
    """A workflow step (``programming.views.WorkflowStep``): its form is shown to whoever sees the record, and
    the service refuses the POST of a valid form (send one in ``body``) to whoever may not take the step."""

    def allowed(self, role: str, side: str) -> bool:
        if side == "own" or not self.scoped:
            return role in self.allow
        if self.allow_other is not None:
            return role in self.allow_other
        return role in self.allow and (self.allow == EVERYONE or role not in SCOPED_ROLES)

    def sees(self, role: str, side: str) -> bool:
        if side == "own" or not self.scoped:
            return role in self.see
        if self.see_other is not None:
            return role in self.see_other
        return role in self.see and (self.see == EVERYONE or role not in SCOPED_ROLES)

    def expect(self, role: str, side: str, *, api: bool, safe: bool) -> Outcome:
        if self.allowed(role, side):
            return Outcome.ALLOW
        if role == ANON:
            if api and safe and not self.login_first and self.fixture is not None:
                return Outcome.NOT_FOUND  # the API's read of a record the visitor cannot see: not confirmed
            return Outcome.LOGIN
        if self.form_for_viewers and safe and self.sees(role, side):
            return Outcome.ALLOW
        if self.refusal is not None:
            return self.refusal
        if self.fixture is None or self.sees(role, side):
            return Outcome.FORBIDDEN
        return Outcome.NOT_FOUND


#: The family whose household the ``own`` records are (the matrix's user without a role).
_FAMILY = frozenset({PLAIN})


def public(fixture: str | None = None, **kw: Any) -> Rule:
    """A route anybody may use (with the secret in its address, for a token route)."""
    return Rule(allow=EVERYONE, fixture=fixture, login_first=False, scoped=False, **kw)


def exempt(note: str) -> Rule:
    """A route the matrix does not request, with the reason (it has its own tests)."""
    return Rule(allow=NOBODY, note=note, methods=())


# The register records of the world, as docs/permissions.md says for them.
_PROPOSAL = Access(view=roles(LEAD, COORD), change=roles(LEAD), delete=roles(LEAD), add=roles(LEAD))
_SERVICE_PART = Access(
    view=roles(PROV, COORD), change=roles(PROV), delete=roles(PROV), add=roles(PROV), everywhere=frozenset({COORD})
)
_COORDINATED = Access(view=EVERYONE, change=roles(COORD), delete=roles(COORD), add=roles(COORD))
_REPORT = Access(view=roles(LEAD, COORD), change=roles(LEAD), delete=roles(LEAD), add=roles(LEAD))
_REGISTRY_PRIVATE = Access(
    view=roles(KEEPER, COORD), change=roles(KEEPER, COORD), delete=roles(KEEPER, COORD), add=roles(KEEPER, COORD)
)
_DESK_PART = Access(view=roles(DESK, COORD), change=roles(DESK), delete=roles(DESK), add=roles(DESK))
_DESK_PRIVATE = Access(view=roles(DESK), change=roles(DESK), delete=roles(DESK), add=roles(DESK))
_SURVEY_PART = Access(
    view=roles(HR, COORD), change=roles(HR, COORD), delete=roles(HR, COORD), add=roles(HR, LEAD, COORD)
)
_REFERENCE = Access(view=EVERYONE, scoped=False)

ACCESS: dict[str, Access] = {
    # The territory: public reference data, changed by the administrator.
    "territory.region": _REFERENCE,
    "territory.province": _REFERENCE,
    "territory.municipality": _REFERENCE,
    "territory.healthagency": _REFERENCE,
    "territory.district": _REFERENCE,
    # The network register: the provider's organisation (a member of the network and a partner of the alliance).
    "network.organisation": Access(view=EVERYONE, change=roles(PROV, COORD), add=roles(LEAD, COORD)),
    "network.contact": Access(
        view=EVERYONE, change=roles(PROV, COORD), delete=roles(PROV, COORD), add=roles(*ORG_ROLES, COORD)
    ),
    "network.network": Access(view=EVERYONE, change=roles(COORD)),
    "network.agreement": _COORDINATED,
    "network.membership": _COORDINATED,
    "network.alliance": Access(view=EVERYONE, change=roles(LEAD, COORD), add=roles(LEAD, COORD)),
    "network.partnership": Access(
        view=EVERYONE, change=roles(LEAD, COORD), delete=roles(LEAD, COORD), add=roles(LEAD, COORD)
    ),
    # The company's request to join the alliance: the company, the lead and the coordinator see it.
    "network.joinrequest": Access(view=roles(HR, LEAD, COORD), change=roles(LEAD, COORD), add=roles(*ORG_ROLES)),
    # The catalogue: an unpublished service of the provider (its coordinator sees every service).
    "services.service": _SERVICE_PART,
    "services.offer": _SERVICE_PART,
    "services.period": _SERVICE_PART,
    "services.openinghours": _SERVICE_PART,
    "services.closure": _SERVICE_PART,
    "services.fee": _SERVICE_PART,
    "services.authorisation": Access(view=EVERYONE, change=roles(PROV), delete=roles(PROV), add=roles(PROV)),
    "services.voucherscheme": _COORDINATED,
    # Programming: the network's plan and project, a draft call, the alliance's draft proposal and report,
    # the evaluator's row, score and declaration on a call under evaluation.
    "programming.plan": _COORDINATED,
    "programming.fundingsource": _COORDINATED,
    "programming.budgetline": _COORDINATED,
    "programming.call": Access(view=roles(COORD), change=roles(COORD), delete=roles(COORD), add=roles(COORD)),
    "programming.callevent": Access(view=roles(COORD)),
    "programming.evaluationcriterion": Access(
        view=roles(COORD), change=roles(COORD), delete=roles(COORD), add=roles(COORD)
    ),
    # A draft family call's terms and offers: its coordinators alone see and change them.
    "programming.familycallterms": Access(
        view=roles(COORD), change=roles(COORD), delete=roles(COORD), add=roles(COORD)
    ),
    "programming.calloffer": Access(view=roles(COORD), change=roles(COORD), delete=roles(COORD), add=roles(COORD)),
    "programming.evaluator": Access(
        view=roles(EVAL, COORD), change=roles(COORD), delete=roles(COORD), add=roles(COORD)
    ),
    "programming.proposal": _PROPOSAL,
    "programming.proposalaction": _PROPOSAL,
    "programming.proposalpartner": _PROPOSAL,
    "programming.proposalbudgetline": _PROPOSAL,
    "programming.score": Access(view=roles(EVAL, COORD), change=roles(EVAL), delete=roles(EVAL), add=roles(EVAL)),
    "programming.conflictofinterest": Access(view=roles(EVAL, COORD), add=roles(EVAL)),
    "programming.ranking": Access(view=EVERYONE),
    "programming.project": _COORDINATED,
    "programming.projectpartner": _COORDINATED,
    "programming.projectaction": _COORDINATED,
    "programming.indicator": Access(
        view=EVERYONE, change=roles(LEAD, COORD), delete=roles(LEAD, COORD), add=roles(LEAD, COORD)
    ),
    "programming.expensereport": _REPORT,
    "programming.expenseline": _REPORT,
    "programming.document": Access(view=EVERYONE, change=roles(COORD), delete=roles(COORD), add=roles(LEAD, COORD)),
    # The babysitter registry kept by the keeper for the network; a listed babysitter.
    "registry.babysitterregistry": Access(view=EVERYONE, change=roles(KEEPER, COORD), add=roles(COORD)),
    "registry.course": Access(
        view=EVERYONE, change=roles(KEEPER, COORD), delete=roles(KEEPER, COORD), add=roles(KEEPER, COORD)
    ),
    "registry.courseattendance": _REGISTRY_PRIVATE,
    "registry.babysitter": Access(view=roles(KEEPER, COORD), change=roles(KEEPER, COORD)),
    "registry.availability": _REGISTRY_PRIVATE,
    "registry.babysitterevent": Access(view=roles(KEEPER, COORD)),
    "core.sensitiveread": Access(view=roles()),
    "registry.contactmessage": Access(view=roles(KEEPER, COORD)),
    # Help desks: an unpublished desk of the desk's organisation in the network, its cases and appointments.
    "helpdesk.desk": Access(view=roles(DESK, COORD), change=roles(DESK), delete=roles(DESK), add=roles(DESK)),
    "helpdesk.deskhours": _DESK_PART,
    "helpdesk.deskclosure": _DESK_PART,
    "helpdesk.case": _DESK_PRIVATE,
    "helpdesk.referral": _DESK_PRIVATE,
    "helpdesk.appointment": Access(view=roles(DESK), change=roles(DESK), add=NOBODY | {ADMIN}),
    # Workplace: the catalogue; the company's measure (not public) and its draft survey with an invitation.
    "workplace.measure": _REFERENCE,
    "workplace.companymeasure": Access(view=roles(HR, COORD), change=roles(HR), delete=roles(HR), add=roles(HR, LEAD)),
    "workplace.survey": _SURVEY_PART,
    "workplace.question": _SURVEY_PART,
    "workplace.invitation": _SURVEY_PART,
}

REGISTER_VIEWS = ("list", "detail", "history", "add", "edit", "delete", "import")


def _submitted(extra: frozenset[str] = NOBODY) -> frozenset[str]:
    """Who sees the alliance's submitted proposal: its lead, the network's coordinator, the call's evaluator."""
    return roles(LEAD, COORD, EVAL) | extra


def _pk(key: str) -> Callable[[Any, str], dict[str, Any]]:
    return lambda w, side: {"pk": w.obj(key, side).pk}


def _body(**values: Any) -> Callable[[Any, str], dict[str, Any]]:
    return lambda w, side: values


def _step(**kw: Any) -> Rule:
    """A workflow step's page: the form for whoever sees the record, the step for the roles allowed."""
    return Rule(form_for_viewers=True, **kw)


#: Pages that are not a register's, by URL name.
PAGES: dict[str, Rule] = {
    # The portal, the public catalogues and searches, the login.
    "portal:home": public(),
    "portal:credits": public(),
    "portal:contacts": public(),
    "portal:favicon": public(),
    "portal:area": Rule(allow=SIGNED_IN, scoped=False, methods=("GET",)),
    "login": public(methods=("GET", "POST")),
    "logout": public(methods=("POST",)),
    "set_language": public(methods=("POST",)),
    "services:search": public(),
    "services:planner": public(),
    "registry:search": public(),
    "registry:enrol": public(body=lambda w, side: {"elenco": w.obj("registry.babysitterregistry", "own").pk}),
    "registry:enrol_done": public(),
    "registry:profile": public("registry.babysitter", methods=("GET", "POST")),
    "helpdesk:public_list": public(),
    "helpdesk:public_detail": public("helpdesk.desk:published", methods=("GET", "POST")),
    "helpdesk:booking": public("helpdesk.appointment:token"),
    "helpdesk:booking_cancel": public("helpdesk.appointment:token", methods=("GET", "POST")),
    "helpdesk:booking_calendar": public("helpdesk.appointment:token"),
    "workplace:measures": public(),
    "workplace:answer": public("workplace.invitation:token", methods=("GET", "POST")),
    "workplace:answer_thanks": public("workplace.invitation:token"),
    "api-schema": public(),
    "api-docs": public(),
    "api-root": public(),
    # Privacy notices (public) and the signed-in user's own personal data.
    "portal:privacy_index": public(),
    "portal:privacy_notice": exempt("its slug names a notice of the privacy register: portal's tests request each"),
    "person_data": Rule(allow=SIGNED_IN, scoped=False, methods=("GET",)),
    # Password reset (public, throttled) and change (signed-in users, any role).
    "password_reset": public(methods=("GET", "POST")),
    "password_reset_done": public(),
    "password_reset_confirm": public(),
    "password_reset_complete": public(),
    "password_change": Rule(allow=SIGNED_IN, scoped=False, methods=("GET", "POST")),
    "password_change_done": Rule(allow=SIGNED_IN, scoped=False),
    # A survey's personal link (the invitation's token and a personal code issued in the world).
    "workplace:answer_personal": public("workplace.invitation:token", methods=("GET", "POST")),
    # Network workflow: any user acting for an organisation asks to join any alliance.
    "network:joinrequest_add": Rule(allow=roles(*ORG_ROLES), fixture="network.alliance", allow_other=roles(*ORG_ROLES)),
    "network:joinrequest_decide": Rule(
        allow=roles(LEAD, COORD), see=roles(HR, LEAD, COORD), fixture="network.joinrequest"
    ),
    # Only the requesting organisation withdraws its request (not even the administrator does it for it).
    "network:joinrequest_withdraw": Rule(
        allow=frozenset({HR}), see=roles(HR, LEAD, COORD), fixture="network.joinrequest"
    ),
    "network:network_merge": Rule(allow=roles(COORD), fixture="network.network"),
    # Programming workflow, on an open call (public), the alliance's proposals, the project and its report.
    "programming:call_status": _step(
        allow=roles(COORD), fixture="programming.call:open", body=_body(to="closed", note="")
    ),
    "programming:call_admissibility": _step(allow=roles(COORD), fixture="programming.call:open"),
    "programming:call_rules_preview": Rule(allow=roles(COORD), fixture="programming.call:open"),
    "programming:call_publish_ranking": _step(
        allow=roles(COORD), fixture="programming.call:open", body=_body(status="provisional", reason="")
    ),
    "programming:proposal_submit": _step(allow=roles(LEAD), see=roles(LEAD, COORD), fixture="programming.proposal"),
    "programming:proposal_withdraw": _step(
        allow=roles(LEAD), see=_submitted(), fixture="programming.proposal:submitted"
    ),
    "programming:proposal_admissibility": _step(
        allow=roles(COORD),
        see=_submitted(),
        fixture="programming.proposal:submitted",
        body=_body(admissible="0", reason="Fuori termine"),
    ),  # fmt: skip
    # The grid is the call's evaluators' only (the administrator is not one): to anybody else it does not
    # exist (404), even to those who see the proposal.
    "programming:proposal_score": Rule(
        allow=frozenset({EVAL}), see=frozenset({EVAL}), fixture="programming.proposal:submitted"
    ),
    "programming:proposal_receipt": Rule(
        allow=_submitted(), see=_submitted(), fixture="programming.proposal:submitted"
    ),
    "programming:expensereport_submit": _step(
        allow=roles(LEAD), see=roles(LEAD, COORD), fixture="programming.expensereport"
    ),
    "programming:expenseline_decide": _step(
        allow=roles(COORD),
        see=roles(LEAD, COORD),
        fixture="programming.expenseline",
        body=_body(approved="0", reason="Non documentata"),
    ),  # fmt: skip
    "programming:project_close": _step(allow=roles(COORD), fixture="programming.project"),
    "programming:conflict_withdraw": _step(
        allow=roles(COORD),
        see=roles(EVAL, COORD),
        fixture="programming.conflictofinterest",
        body=_body(reason="Dichiarazione superata"),
    ),  # fmt: skip
    # Help desks: statistics for the desk's operators and its network's coordinator; appointments for operators.
    "helpdesk:statistics": Rule(allow=roles(DESK, COORD), see=roles(DESK, COORD), fixture="helpdesk.desk"),
    "helpdesk:appointment_status": Rule(allow=roles(DESK), see=roles(DESK), fixture="helpdesk.appointment"),
    "helpdesk:appointment_case": Rule(allow=roles(DESK), see=roles(DESK), fixture="helpdesk.appointment"),
    # Surveys: the owner's users and the network's coordinators manage them; templates for whoever may own one.
    "workplace:survey_from_template": Rule(
        allow=roles(HR, LEAD, COORD), see=roles(HR, LEAD, COORD), fixture="workplace.survey:template", scoped=False
    ),
    "workplace:survey_open": Rule(allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.survey"),
    "workplace:survey_close": Rule(allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.survey:open"),
    "workplace:survey_preview": Rule(allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.survey"),
    "workplace:survey_results": Rule(allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.survey:open"),
    # Personal links: the invited organisation's users and the survey's managers issue them.
    # A family's own household (benefits): every signed-in person may open theirs (or create it; without one the
    # forms send them to create it); a record of it only its family, nobody else, the admin included; the staff
    # page (which records the read of sensitive data) the admin, and the family for its own.
    "benefits:household": Rule(allow=SIGNED_IN, scoped=False),
    **{
        f"benefits:{name}": Rule(allow=SIGNED_IN, scoped=False)
        for name in ("adult_add", "child_add", "dependant_add", "isee")
    },
    "benefits:consent_give": Rule(allow=SIGNED_IN, scoped=False, methods=("POST",)),
    **{
        f"benefits:{kind}_{view}": Rule(
            allow=_FAMILY, see=_FAMILY, fixture=f"benefits.{kind}", allow_other=NOBODY, see_other=NOBODY
        )
        for kind in ("adult", "child", "dependant")
        for view in ("edit", "delete")
    },
    "benefits:consent_withdraw": Rule(
        allow=_FAMILY, see=_FAMILY, fixture="benefits.consent", allow_other=NOBODY, see_other=NOBODY, methods=("POST",)
    ),
    "benefits:calls": Rule(allow=SIGNED_IN, scoped=False, methods=("GET",)),
    "benefits:call_start": exempt(
        "an open family call's page: benefits/tests/test_apply_pages.py tries it as each kind of user"
    ),
    **{
        f"benefits:application{suffix}": Rule(
            allow=_FAMILY,
            see=_FAMILY,
            fixture="benefits.application",
            allow_other=NOBODY,
            see_other=NOBODY,
            methods=methods,
        )
        for suffix, methods in (
            ("", ("GET",)),
            ("_submit", ("POST",)),
            ("_withdraw", ("POST",)),
            ("_receipt", ("GET",)),
        )
    },  # fmt: skip
    # Rankings of family calls: the call's coordinators run closing day, ask for and approve publication, decide
    # objections; a family's own place and the public list need a published ranking (benefits/tests cover them).
    **{
        f"benefits:{name}": Rule(allow=roles(COORD), see=roles(COORD), fixture="programming.call", methods=methods)
        for name, methods in (
            ("ranking_staff", ("GET",)),
            ("closing_day", ("GET", "POST")),
            ("final_ranking", ("POST",)),
        )
    },  # fmt: skip
    **{
        f"benefits:{name}": Rule(allow=roles(COORD), see=roles(COORD), fixture=fixture, methods=("POST",))
        for name, fixture in (
            ("ranking_request", "benefits.familyranking"),
            ("ranking_approve", "benefits.familyranking"),
            ("objection_decide", "benefits.objection"),
        )
    },  # fmt: skip
    "benefits:application_ranking": exempt(
        "a family's place in a published ranking: benefits/tests/test_closing_day.py tries another family and staff"
    ),
    "benefits:call_applications": Rule(
        allow=roles(COORD), see=roles(COORD), fixture="programming.call", methods=("GET",)
    ),
    "benefits:application_staff": exempt(
        "a submitted application as its coordinators read it: benefits/tests/test_closing_day.py tries each role"
    ),
    "benefits:ranking_public": exempt("a published ranking, public: benefits/tests/test_closing_day.py reads it"),
    "benefits:confirmations": Rule(allow=roles(HR), scoped=False, methods=("GET",)),
    # Places of a place call: the family's place, the coordinators' list, the providers' enrolments.
    **{
        f"benefits:{name}": exempt(
            "a place of a place call: benefits/tests/test_places.py tries another family, staff and providers"
        )
        for name in ("place", "place_answer", "place_letter", "call_places", "place_enrol")
    },
    "benefits:provider_places": Rule(allow=roles(PROV), scoped=False, methods=("GET",)),
    # Vouchers of a voucher call: the family's voucher, the coordinators' page and payments, a provider redeems.
    **{
        f"benefits:{name}": exempt(
            "a voucher of a voucher call: benefits/tests/test_vouchers.py tries another family, staff and providers"
        )
        for name in ("voucher", "call_vouchers", "batch_download")
    },
    "benefits:voucher_redeem": Rule(allow=roles(PROV), scoped=False),
    # Providers ask to join a voucher scheme; the scheme network's coordinators decide.
    "benefits:schemes": Rule(allow=roles(PROV, COORD), scoped=False, methods=("GET",)),
    **{
        f"benefits:{name}": exempt(
            "joining a voucher scheme: benefits/tests/test_vouchers.py tries other providers and coordinators"
        )
        for name in ("scheme_join", "scheme_decide")
    },
    # A help-desk operator (and the admin) files an application on a family's behalf.
    "benefits:desk_file": Rule(allow=roles(DESK), scoped=False),
    "benefits:confirmation_decide": Rule(
        allow=roles(HR), see=roles(HR), fixture="benefits.employmentconfirmation", methods=("POST",)
    ),
    "benefits:application_step": exempt(
        "a step of the wizard: benefits/tests/test_apply_pages.py tries another family"
    ),
    "benefits:attachment": exempt("an attachment: benefits/tests/test_apply_pages.py tries another family and staff"),
    "benefits:staff_household": Rule(
        allow=_FAMILY | {ADMIN},
        see=_FAMILY | {ADMIN},
        fixture="benefits.household",
        allow_other=frozenset({ADMIN}),
        see_other=frozenset({ADMIN}),
    ),  # fmt: skip
    "workplace:invitation_codes": Rule(
        allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.invitation:token"
    ),  # Citizens' accounts: registration and its e-mailed link (an invalid one here: its page says so), the login
    # through SPID and CIE (the way back from the provider is driven with real codes in citizens/tests), the
    # personal area (staff who open it are sent on to their work area).
    "citizens:register": public(methods=("GET", "POST")),
    "citizens:register_done": public(),
    "citizens:verify": public(methods=("GET", "POST")),
    "citizens:oidc_start": public(),
    "citizens:oidc_callback": exempt(
        "the provider's redirect back: citizens/tests drive it with real codes and states"
    ),
    "citizens:area": Rule(allow=SIGNED_IN, scoped=False, methods=("GET",)),
    # The local OpenID provider standing in for SPID and CIE (tests and demo only): its endpoints and login page.
    "oidc_provider:authorize": public(methods=("GET", "POST")),
    "oidc_provider:token": public(methods=("POST",)),
    "oidc_provider:userinfo": exempt("answers 401 without a bearer token: citizens/tests call it with real ones"),
    "oidc_provider:jwks": public(),
    "oidc_provider:provider-info": public(),
    "citizens_idp:login": public(methods=("GET", "POST")),
}
_BABYSITTER_STEP = Rule(allow=roles(KEEPER, COORD), see=roles(KEEPER, COORD), fixture="registry.babysitter")
for _step in ("list_step", "reject", "suspend", "reinstate", "renew"):
    PAGES[f"registry:babysitter_{_step}"] = _BABYSITTER_STEP


#: API operations that are not a register's CRUD, by operationId (bodies pass the input's validation,
#: so that the permission, not the input, decides).
OPERATIONS: dict[str, Rule] = {
    "services_search_retrieve": public(),
    "services_plan_retrieve": public(),
    "services_plan_create": public(),
    "workplace_answer_without_code": public("workplace.invitation:token"),
    "registry_search_list": public(),
    "programming_budget_retrieve": public("programming.plan"),
    "registry_babysitters_public_retrieve": public("registry.babysitter"),
    "registry_babysitters_contact_create": public("registry.babysitter"),
    "helpdesk_desks_slots_list": public("helpdesk.desk:published"),
    "helpdesk_desks_book_create": public("helpdesk.desk:published"),
    "helpdesk_appointments_cancel_create": public(),
    "workplace_answer_create": public("workplace.invitation:token"),
    "programming_calls_transition_create": Rule(
        allow=roles(COORD), fixture="programming.call:open", body=_body(to="closed", note="")
    ),
    "programming_calls_admissibility_check_create": Rule(allow=roles(COORD), fixture="programming.call:open"),
    "programming_calls_publish_ranking_create": Rule(
        allow=roles(COORD), fixture="programming.call:open", body=_body(status="provisional", reason="")
    ),
    "programming_proposals_submit_create": Rule(
        allow=roles(LEAD), see=roles(LEAD, COORD), fixture="programming.proposal"
    ),
    "programming_proposals_withdraw_create": Rule(
        allow=roles(LEAD), see=_submitted(), fixture="programming.proposal:submitted"
    ),
    "programming_proposals_admissibility_create": Rule(
        allow=roles(COORD),
        see=_submitted(),
        fixture="programming.proposal:submitted",
        body=_body(admissible=False, reason="Fuori termine"),
    ),  # fmt: skip
    "programming_proposals_scores_create": Rule(
        allow=frozenset({EVAL}), see=frozenset({EVAL}), fixture="programming.proposal:submitted", body=_body(scores=[])
    ),
    "programming_proposals_receipt_retrieve": Rule(
        allow=_submitted(), see=_submitted(), fixture="programming.proposal:submitted"
    ),
    "programming_expensereports_submit_create": Rule(
        allow=roles(LEAD), see=roles(LEAD, COORD), fixture="programming.expensereport"
    ),
    "programming_expenselines_decide_create": Rule(
        allow=roles(COORD), see=roles(LEAD, COORD), fixture="programming.expenseline", body=_body(approved_cents=0)
    ),
    "programming_projects_close_create": Rule(allow=roles(COORD), fixture="programming.project"),
    "programming_conflicts_withdraw_create": Rule(
        allow=roles(COORD),
        see=roles(EVAL, COORD),
        fixture="programming.conflictofinterest",
        body=_body(reason="Dichiarazione superata"),
    ),  # fmt: skip
    "network_joinrequests_decide_create": Rule(
        allow=roles(LEAD, COORD),
        see=roles(HR, LEAD, COORD),
        fixture="network.joinrequest",
        body=_body(accept=False, reason="Non ora"),
    ),  # fmt: skip
    "helpdesk_desks_statistics_retrieve": Rule(
        allow=roles(DESK, COORD), see=roles(DESK, COORD), fixture="helpdesk.desk"
    ),
    "helpdesk_appointments_status_create": Rule(
        allow=roles(DESK), see=roles(DESK), fixture="helpdesk.appointment", body=_body(status="attended")
    ),
    "workplace_surveys_results_retrieve": Rule(
        allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.survey:open"
    ),
    "workplace_invitations_personal_links_create": Rule(
        allow=roles(HR, COORD), see=roles(HR, COORD), fixture="workplace.invitation:token", body=_body(count=1)
    ),
    # The families' side (benefits/api): the caller's own household (404 without one: only the family has one
    # here), the open calls and the caller's applications; starting one is anybody's to try (the service decides,
    # 400 here: no family call is open in this world); an application is its family's only, nobody else's, the
    # admin included (404), and its steps are refused by the service on this world's draft call (400).
    "benefits_household_retrieve": Rule(allow=_FAMILY, scoped=False, refusal=Outcome.NOT_FOUND),
    "benefits_calls_list": Rule(allow=SIGNED_IN, scoped=False),
    "benefits_applications_list": Rule(allow=SIGNED_IN, scoped=False),
    "benefits_applications_create": Rule(
        allow=SIGNED_IN, scoped=False, body=lambda w, side: {"call": w.obj("programming.call:open", side).pk}
    ),
    **{
        f"benefits_applications_{name}": Rule(
            allow=_FAMILY, see=_FAMILY, fixture="benefits.application", allow_other=NOBODY, see_other=NOBODY, body=body
        )
        for name, body in (
            ("retrieve", None),
            (
                "children_create",
                lambda w, side: {"children": [{"child": w.obj("benefits.child", side).pk, "weeks": 1}]},
            ),
            ("preferences_create", _body(offers=[1])),
            ("declarations_create", _body(declarations=["truthful", "checks", "notice"])),
            ("submit_create", None),
            ("withdraw_create", None),
        )
    },  # fmt: skip
    # No ranking of this world's call is published: not found, to its family too (once published:
    # benefits/tests/test_api.py tries the family, another family, the staff, the operator who filed).
    "benefits_applications_ranking_retrieve": Rule(
        allow=NOBODY, see=NOBODY, fixture="benefits.application", allow_other=NOBODY, see_other=NOBODY
    ),
    # Nor is a place offered here: not found (benefits/tests/test_places.py answers one through the API, and tries
    # another family); answering is the family's (its empty answer is a 400), nobody else's.
    "benefits_applications_place_retrieve": Rule(
        allow=NOBODY, see=NOBODY, fixture="benefits.application", allow_other=NOBODY, see_other=NOBODY
    ),
    "benefits_applications_place_answer_create": Rule(
        allow=_FAMILY, see=_FAMILY, fixture="benefits.application", allow_other=NOBODY, see_other=NOBODY
    ),
}
for _step, _data in (
    ("list", {"note": ""}),
    ("reject", {"reason": "Documenti mancanti"}),
    ("suspend", {"reason": "Segnalazione"}),
    ("reinstate", {"note": ""}),
    ("renew", {"note": ""}),
):
    OPERATIONS[f"registry_babysitters_{_step}_create"] = Rule(
        allow=roles(KEEPER, COORD), see=roles(KEEPER, COORD), fixture="registry.babysitter", body=_body(**_data)
    )

#: Routes the matrix classifies without requesting them, with the reason.
EXEMPT: dict[str, Rule] = {
    "^api/.+/$": exempt("the API's JSON 404 for an unknown path: no record, nothing to allow"),
    "admin:view_on_site": exempt("Django's redirect to an object's page: the page itself is in the matrix"),
}


# --- routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its namespaced name, its path (with converters) and its view."""

    name: str
    pattern: str
    view: Any
    regex: bool = False

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_format_suffix(self) -> bool:
        return "(?P<format>" in self.pattern or "<drf_format_suffix:format>" in self.pattern

    @property
    def view_class(self) -> Any:
        return getattr(self.view, "view_class", None) or getattr(self.view, "cls", None)

    def methods(self) -> tuple[str, ...]:
        cls = self.view_class
        if cls is None:
            return ("GET",)
        return tuple(m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m))


def routes() -> list[Route]:
    """Every URL pattern of the project, from the resolver (the static files' patterns aside)."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                regex = not hasattr(p.pattern, "converters") or str(p.pattern).startswith("^")
                found.append(Route(name=name, pattern=prefix + str(p.pattern), view=p.callback, regex=regex))

    walk(get_resolver().url_patterns, "", None)
    return found


@dataclass(frozen=True)
class Operation:
    """One operation of the OpenAPI schema."""

    id: str
    method: str
    path: str

    @property
    def safe(self) -> bool:
        return self.method in ("GET", "HEAD", "OPTIONS")


def operations() -> list[Operation]:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    GENERATOR_STATS.reset()
    return [
        Operation(id=op["operationId"], method=method.upper(), path=path)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def api_endpoints() -> set[Any]:
    """The views drf-spectacular puts in the schema (an API route whose view is among them is described there)."""
    from drf_spectacular.generators import EndpointEnumerator

    return {callback for _path, _regex, _method, callback in EndpointEnumerator().get_api_endpoints()}


def register_of_page(name: str) -> tuple[Register, str] | None:
    """The register and view (list, detail…) a page's name belongs to, if any."""
    app, _sep, rest = name.partition(":")
    for reg in registers(app):
        for view in REGISTER_VIEWS:
            if rest == f"{reg.name}_{view}":
                return reg, view
    return None


def register_of_operation(op: Operation) -> tuple[Register, str] | None:
    """The register and action (list, add, view, change, delete) of a register's CRUD operation."""
    for reg in registers():
        base = f"/api/{reg.app_label}/{reg.api_name}/"
        if op.path == base:
            return reg, {"GET": "list", "POST": "add"}.get(op.method, "?")
        if op.path == base + "{id}/":
            return reg, {"GET": "view", "PUT": "change", "PATCH": "change", "DELETE": "delete"}.get(op.method, "?")
    return None


_ACTION_OF_VIEW = {"detail": "view", "history": "view", "edit": "change", "import": "add"}


def _writer_allows(reg: Register, action: str) -> bool:
    w = reg.writer
    return {"add": w.creates, "change": w.updates, "delete": w.deletes}.get(action, True)


def register_rule(reg: Register, action: str, *, api: bool) -> Rule:
    """The rule of a register's page or operation, from its :class:`Access`."""
    label = reg.model._meta.label_lower
    access = ACCESS[label]
    fixture = access.fixture or label
    if action == "list":
        return Rule(allow=EVERYONE, login_first=False, scoped=False)
    allow = {"view": access.view, "change": access.change, "delete": access.delete, "add": access.add}[action]
    if not _writer_allows(reg, action):
        allow = NOBODY
    view_other = (EVERYONE if access.view == EVERYONE else access.everywhere | {ADMIN}) if access.scoped else None
    if action == "add":
        return Rule(allow=allow, scoped=False)
    if action == "view":
        return Rule(
            allow=allow, see=access.view, fixture=fixture, allow_other=view_other, see_other=view_other,
            login_first=False, scoped=access.scoped,
        )  # fmt: skip
    other = frozenset({ADMIN}) & allow
    return Rule(
        allow=allow, see=access.view, fixture=fixture, allow_other=other, see_other=view_other, scoped=access.scoped
    )


def page_rule(route: Route) -> Rule | None:
    """The rule of a page (``None``: unclassified)."""
    if route.name in PAGES:
        return PAGES[route.name]
    if route.name in EXEMPT:
        return EXEMPT[route.name]
    if not route.name and route.pattern in EXEMPT:
        return EXEMPT[route.pattern]
    if route.name == "admin:index":
        return ADMIN_INDEX
    if route.name in ADMIN_PUBLIC:
        return ADMIN_PUBLIC[route.name]
    if route.name.startswith("admin:") or (not route.name and route.pattern.startswith("admin/")):
        return ADMIN_SITE
    found = register_of_page(route.name)
    if found is None:
        return None
    reg, view = found
    return register_rule(reg, _ACTION_OF_VIEW.get(view, view), api=False)


def operation_rule(op: Operation) -> Rule | None:
    if op.id in OPERATIONS:
        return OPERATIONS[op.id]
    found = register_of_operation(op)
    if found is None or found[1] == "?":
        return None
    return register_rule(*found, api=True)


#: Django's admin site: staff only (the demo's administrator); everybody else is sent to its login page.
#: Its pages are tried by the admin, a visitor and a user without a role: Django's ``AdminSite.admin_view``
#: decides by ``is_staff`` alone, which no role gives (every role is tried on the index, ``ADMIN_INDEX``).
ADMIN_SITE = Rule(
    allow=frozenset({ADMIN}), scoped=False, login_first=True, methods=("GET",), refusal=Outcome.LOGIN,
    roles_tried=(ANON, PLAIN, ADMIN),
)  # fmt: skip
ADMIN_INDEX = Rule(allow=frozenset({ADMIN}), scoped=False, login_first=True, methods=("GET",), refusal=Outcome.LOGIN)
#: The admin site's pages anybody may use (its logout takes POST only).
ADMIN_PUBLIC = {
    "admin:login": public(methods=("GET",)),
    "admin:logout": public(methods=("POST",)),
    # The staff's only (403 to the admin too without the field it completes in the query): Django's.
    "admin:autocomplete": exempt("answers only with the admin field it completes in its query (Django's tests)"),
    # The login lockout's logs are read-only: no add page for anybody (403 to the admin as well).
    "admin:axes_accessattempt_add": exempt("axes' logs cannot be added to (403 for everybody)"),
    "admin:axes_accesslog_add": exempt("axes' logs cannot be added to (403 for everybody)"),
    "admin:axes_accessfailurelog_add": exempt("axes' logs cannot be added to (403 for everybody)"),
    # The local OpenID provider's codes and tokens are issued by its endpoints only (tests and demo).
    "admin:oidc_provider_code_add": exempt("django-oidc-provider's codes are never added by hand (403 for everybody)"),
    "admin:oidc_provider_token_add": exempt(
        "django-oidc-provider's tokens are never added by hand (403 for everybody)"
    ),
}


def unclassified() -> list[str]:
    """Every route and operation no rule covers: each must be added to the tables above."""
    missing: list[str] = []
    described = api_endpoints()
    for route in routes():
        if route.is_api and (route.view in described or route.is_format_suffix):
            continue  # an operation of the schema (below), or its ".json" twin
        if not route.name and not route.pattern.startswith("admin/") and route.pattern not in EXEMPT:
            missing.append(f"page without a name: {route.pattern}")
        elif page_rule(route) is None:
            missing.append(f"page {route.name} ({route.pattern})")
    for op in operations():
        if operation_rule(op) is None:
            missing.append(f"operation {op.id} ({op.method} {op.path})")
    return missing


# --- the world ---------------------------------------------------------------------------------


@dataclass
class Side:
    """One scope: a network and the organisations acting in it."""

    network: Any
    lead_org: Any
    alliance: Any
    provider_org: Any
    company: Any
    desk_org: Any
    keeper: Any
    evaluator: Any  # the user evaluating the side's call


@dataclass
class World:
    sides: dict[str, Side]
    users: dict[str, Any]
    objects: dict[str, dict[str, models.Model]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    """A personal code of each side's ``workplace.invitation:token`` (shown only when issued)."""

    def obj(self, key: str, side: str) -> Any:
        pair = self.objects[key]
        return pair.get(side) or pair["own"]


#: For each role, the organisation or network of the ``own`` side it is given (a new role fails here).
ROLE_SCOPE: dict[str, str] = {
    COORD: "network",
    LEAD: "lead_org",
    PROV: "provider_org",
    HR: "company",
    DESK: "desk_org",
    KEEPER: "keeper",
}


def build_world() -> World:
    """Two symmetric sides, a user per role acting for the ``own`` one, and every register's record on each."""
    from concilia.accounts.models import RoleAssignment
    from concilia.accounts.models import User as UserModel
    from concilia.core.testing import factories as f

    def side(name: str) -> Side:
        network = f.NetworkFactory(name=f"Rete {name}")
        lead_org = f.OrganisationFactory(name=f"Comune capofila {name}", kind="municipality")
        provider_org = f.OrganisationFactory(name=f"Cooperativa {name}", kind="social_cooperative", employees=12)
        company = f.CompanyFactory(name=f"Impresa {name}")
        desk_org = f.OrganisationFactory(name=f"Ambito {name}", kind="municipality")
        keeper = f.OrganisationFactory(name=f"ATS {name}", kind="health_agency")
        for org in (lead_org, provider_org, company, desk_org):
            f.MembershipFactory(network=network, organisation=org)
        alliance = f.AllianceFactory(name=f"Alleanza {name}", network=network, lead=lead_org)
        f.PartnershipFactory(alliance=alliance, organisation=provider_org)
        evaluator = f.UserFactory(username=f"valutatore-{name}")
        return Side(network, lead_org, alliance, provider_org, company, desk_org, keeper, evaluator)

    sides = {"own": side("propria"), "other": side("altrui")}
    own = sides["own"]
    users: dict[str, Any] = {ANON: None, PLAIN: f.UserFactory(username="cittadino"), EVAL: own.evaluator}
    for role in Role:
        name = str(role)
        if name == ADMIN:
            admin = f.UserFactory(username="admin", is_superuser=True, is_staff=True)
            RoleAssignment.objects.create(user=admin, role=role)
            users[name] = admin
            continue
        scope = ROLE_SCOPE[name]  # KeyError: a new role needs its scope in the matrix world
        target = getattr(own, scope)
        kw = {"network": target} if scope == "network" else {"organisation": target}
        users[name] = f.user_with_role(role, username=f"matrice-{name}", **kw)
    assert set(users) == set(ROLES), set(ROLES) ^ set(users)
    world = World(sides=sides, users=users)
    for side_name, s in sides.items():
        for key, obj in _records(s, side_name, by=users[ADMIN]).items():
            world.objects.setdefault(key, {})[side_name] = obj
    for side_name, family in (("own", users[PLAIN]), ("other", f.UserFactory(username="famiglia-altrui"))):
        for key, obj in _household_records(
            family, world.obj("programming.call", side_name), sides[side_name].company
        ).items():
            world.objects.setdefault(key, {})[side_name] = obj
    from concilia.workplace.tests.factories import codes

    for side_name in sides:
        world.codes[side_name] = codes(world.obj("workplace.invitation:token", side_name))[0]
    # Public reference data: one record serves both sides.
    world.objects.update({k: {"own": v} for k, v in _reference_records().items()})
    assert UserModel.objects.filter(username="admin").count() == 1
    return world


def _household_records(family: Any, call: Any, employer: Any) -> dict[str, Any]:
    """A household of ``family`` with one record of each kind (``benefits``), and its application to ``call``."""
    import datetime as dt

    from stdnum.it import codicefiscale

    from concilia.benefits import models as ben
    from concilia.benefits import services as benefit_services
    from concilia.core.models import SensitiveRead
    from concilia.core.privacy_notices import CITIZEN_ACCOUNTS

    household = benefit_services.household_save(owner=family, by=None)
    born = dt.date(1984, 3, 2)
    adult = benefit_services.member_save(
        member=ben.Adult(household=household, first_name="Anna", last_name="Verdi", birth_date=born,
                         tax_code="VRDNNA84C42D150" + codicefiscale.calc_check_digit("VRDNNA84C42D150"),
                         employment="job_seeker"),
        by=None,
    )  # fmt: skip
    child = benefit_services.member_save(
        member=ben.Child(household=household, first_name="Ugo", last_name="Verdi", birth_date=dt.date(2021, 6, 1)),
        by=None,
    )
    dependant = benefit_services.member_save(
        member=ben.Dependant(household=household, first_name="Ada", last_name="Neri", birth_date=dt.date(1940, 1, 9)),
        by=None,
    )
    consent = benefit_services.consent_give(household=household, notice=CITIZEN_ACCOUNTS, by=None)
    from concilia.core import audit

    audit.record_sensitive_read(user=family, objects=[child], where="/famiglia/")
    application = ben.Application.objects.create(call=call, household=household)
    now = clock.now()
    snapshot = ben.RankingSnapshot.objects.create(
        call=call, taken_at=now, document="", offers=[], applications=[], digest="0" * 64
    )
    ranking = ben.FamilyRanking.objects.create(
        call=call, version=1, status="provisional", snapshot=snapshot, computed_at=now
    )
    objection = ben.Objection.objects.create(application=application, ranking=ranking, text="Errore", filed_at=now)
    return {
        "benefits.household": household,
        "benefits.adult": adult,
        "benefits.child": child,
        "benefits.dependant": dependant,
        "benefits.consent": consent,
        "benefits.application": application,
        "benefits.familyranking": ranking,
        "benefits.objection": objection,
        "benefits.employmentconfirmation": ben.EmploymentConfirmation.objects.create(
            application=application, adult=adult, employer=employer
        ),
        "core.sensitiveread": SensitiveRead.objects.get(object_id=child.pk, model="benefits.child"),
    }


def _reference_records() -> dict[str, Any]:
    from concilia.core.testing import factories as f
    from concilia.territory import models as terr
    from concilia.workplace import models as wp
    from concilia.workplace.tests import factories as wf

    municipality = f.MunicipalityFactory(name="Comune di riferimento")
    district = terr.District.objects.create(code="AMBITO-MATRICE", name="Ambito della matrice", lead=municipality)
    template = wf.survey(None, status="draft", title="Modello di questionario", is_template=True)
    return {
        "territory.region": municipality.province.region,
        "territory.province": municipality.province,
        "territory.municipality": municipality,
        "territory.healthagency": f.HealthAgencyFactory(),
        "territory.district": district,
        "workplace.measure": wf.measure(),
        "workplace.survey:template": wp.Survey.objects.get(pk=template.pk),
    }


def _records(s: Side, name: str, *, by: Any) -> dict[str, Any]:
    """A record of every register on side ``s``, in the state the :data:`ACCESS` rules describe."""
    from concilia.core.testing import factories as f
    from concilia.helpdesk.tests import factories as hf
    from concilia.network import models as net
    from concilia.programming import models as prog
    from concilia.programming.choices import CallStatus, ProposalStatus
    from concilia.programming.tests import register_factories as pf
    from concilia.registry import models as reg
    from concilia.registry import services as registry_services
    from concilia.registry.tests.factories import application
    from concilia.services import models as svc
    from concilia.services.tests import factories as sf
    from concilia.workplace import models as wp
    from concilia.workplace.tests import factories as wf

    today = clock.today()
    out: dict[str, Any] = {
        "network.organisation": s.provider_org,
        "network.contact": f.ContactFactory(organisation=s.provider_org, name=f"Referente {name}"),
        "network.network": s.network,
        "network.agreement": f.AgreementFactory(network=s.network),
        "network.membership": net.Membership.objects.get(network=s.network, organisation=s.provider_org),
        "network.alliance": s.alliance,
        "network.partnership": net.Partnership.objects.get(alliance=s.alliance, organisation=s.provider_org),
        "network.joinrequest": f.JoinRequestFactory(alliance=s.alliance, organisation=s.company),
    }
    # The catalogue: an unpublished service and what hangs on it.
    service = sf.ServiceFactory(provider=s.provider_org, is_published=False, name=f"Nido {name}")
    out.update(
        {
            "services.service": service,
            "services.offer": sf.OfferFactory(service=service),
            "services.period": sf.PeriodFactory(service=service),
            "services.openinghours": sf.OpeningHoursFactory(service=service),
            "services.closure": sf.ClosureFactory(service=service),
            "services.fee": sf.FeeFactory(service=service),
            "services.authorisation": sf.AuthorisationFactory(organisation=s.provider_org),
            "services.voucherscheme": sf.VoucherSchemeFactory(network=s.network),
        }
    )
    # Programming.
    w = _FactoryWorld(s)
    plan = pf.plan(w)
    draft_call = pf.call(w, status=CallStatus.DRAFT)
    open_call = pf.call(w, status=CallStatus.OPEN)
    evaluation_call = pf.call(w, status=CallStatus.EVALUATION)
    evaluator = pf.evaluator(w, call_=evaluation_call, user_=s.evaluator)
    submitted = pf.proposal(w, call_=evaluation_call, status=ProposalStatus.SUBMITTED)
    draft = pf.proposal(w, call_=open_call)
    project = pf.project(w)
    report = pf.report(w, project)
    out.update(
        {
            "programming.plan": plan,
            "programming.fundingsource": prog.FundingSource.objects.create(
                plan=plan, kind="regional", amount_cents=1_000_000, act=f"DGR {name}"
            ),
            "programming.budgetline": prog.BudgetLine.objects.create(
                plan=plan, code=f"L-{name}", name="Progetti delle alleanze", amount_cents=900_000
            ),
            "programming.call": draft_call,
            "programming.call:open": open_call,
            "programming.callevent": prog.CallEvent.objects.create(
                call=draft_call, from_status=CallStatus.DRAFT, to_status=CallStatus.DRAFT, at=clock.now()
            ),
            "programming.evaluationcriterion": pf.criterion(w, draft_call),
            "programming.familycallterms": pf.family_terms(w),
            "programming.calloffer": pf.call_offer(w, offer=out["services.offer"]),
            "programming.evaluator": evaluator,
            "programming.proposal": draft,
            "programming.proposal:submitted": submitted,
            "programming.proposalaction": prog.ProposalAction.objects.create(
                proposal=draft, kind="training", title=f"Formazione {name}", budget_cents=100_000
            ),
            "programming.proposalpartner": prog.ProposalPartner.objects.create(
                proposal=draft, organisation=s.provider_org, cofinancing_cents=10_000
            ),
            "programming.proposalbudgetline": prog.ProposalBudgetLine.objects.create(
                proposal=draft, category="staff", description=f"Educatrici {name}", amount_cents=200_000
            ),
            "programming.score": pf.score(w, evaluator_=evaluator, proposal_=submitted),
            "programming.conflictofinterest": prog.ConflictOfInterest.objects.create(
                evaluator=evaluator, organisation=f.OrganisationFactory(), note=f"Consulenza {name}"
            ),
            "programming.ranking": pf.ranking(w),
            "programming.project": project,
            "programming.projectpartner": prog.ProjectPartner.objects.create(
                project=project, organisation=s.provider_org, cofinancing_cents=10_000
            ),
            "programming.projectaction": prog.ProjectAction.objects.create(
                project=project, kind="flexible_work", title=f"Banca delle ore {name}"
            ),
            "programming.indicator": prog.Indicator.objects.create(project=project, name=f"Famiglie {name}"),
            "programming.expensereport": report,
            "programming.expenseline": prog.ExpenseLine.objects.create(
                report=report, category="staff", description=f"Educatrice {name}", amount_cents=120_000
            ),
            "programming.document": prog.Document.objects.create(plan=plan, title=f"Delibera {name}"),
        }
    )
    # The babysitter registry: a listed babysitter, with the events the services wrote and a family's message.
    registry = reg.BabysitterRegistry.objects.create(name=f"Elenco {name}", keeper=s.keeper, network=s.network)
    voucher = out["services.voucherscheme"]
    registry.voucher_schemes.set([voucher])
    area = f.MunicipalityFactory()
    registry.municipalities.set([area])
    course = reg.Course.objects.create(
        registry=registry, organiser=s.keeper, title=f"Corso {name}", starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=30), hours=40, exam_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    rw = _RegistryWorld(registry=registry, course=course, cremona=area, voucher=voucher)
    babysitter = registry_services.babysitter_submit(
        babysitter=application(rw), areas=[area], vouchers=[voucher], slots=[(0, dt.time(16), dt.time(20))]
    )
    babysitter = registry_services.babysitter_list(babysitter=babysitter, by=by)
    out.update(
        {
            "registry.babysitterregistry": registry,
            "registry.course": course,
            "registry.courseattendance": reg.CourseAttendance.objects.create(
                course=course,
                tax_code=babysitter.tax_code,
                first_name="Zoraide",
                last_name="Privata",
                hours_attended=36,
                exam_passed=True,
            ),  # fmt: skip
            "registry.babysitter": babysitter,
            "registry.availability": babysitter.availability.first(),
            "registry.babysitterevent": babysitter.events.first(),
            "registry.contactmessage": reg.ContactMessage.objects.create(
                babysitter=babysitter,
                family_name="Famiglia",
                family_email="famiglia@example.org",
                message="Buongiorno",
                created_at=clock.now(),
            ),  # fmt: skip
        }
    )
    # Help desks: an unpublished desk with its hours, closure and private records; a published one to book.
    desk = hf.desk(
        organisation=s.desk_org, network=s.network, is_published=False, hours=False, name=f"Sportello {name}"
    )
    published = hf.desk(organisation=s.desk_org, network=s.network)
    case = hf.case(desk)
    appointment = hf.appointment(desk)
    out.update(
        {
            "helpdesk.desk": desk,
            "helpdesk.desk:published": published,
            "helpdesk.deskhours": desk.hours.create(weekday=0, opens=dt.time(9), closes=dt.time(12)),
            "helpdesk.deskclosure": desk.closures.create(
                start=today + dt.timedelta(days=30), end=today + dt.timedelta(days=31), reason="Chiusura"
            ),
            "helpdesk.case": case,
            "helpdesk.referral": hf.referral(case),
            "helpdesk.appointment": appointment,
            "helpdesk.appointment:token": appointment,
        }
    )
    # Workplace: the company's measure (not public), a draft survey with an invitation, an open survey.
    draft_survey = wf.survey(s.company, status="draft", network=s.network, title=f"Bozza {name}")
    open_survey = wf.survey(s.company, network=s.network, title=f"Aperto {name}")
    open_invitation = wf.invitation(open_survey, s.company)
    out.update(
        {
            "workplace.companymeasure": wp.CompanyMeasure.objects.create(
                organisation=s.company, measure=wf.measure(), since=dt.date(2020, 1, 1), is_public=False
            ),
            "workplace.survey": draft_survey,
            "workplace.survey:open": open_survey,
            "workplace.question": draft_survey.questions.first(),
            "workplace.invitation": wf.invitation(draft_survey, s.company),
            "workplace.invitation:token": open_invitation,
        }
    )
    missing = {key for key, value in out.items() if value is None}
    assert not missing, f"records not built: {missing}"
    del svc  # the catalogue's models are built by its factories
    return out


class _FactoryWorld:
    """What the programming factories read from a world (``network``, ``alliance``, ``lead_org``), for one side."""

    def __init__(self, s: Side) -> None:
        self.network, self.alliance, self.lead_org = s.network, s.alliance, s.lead_org


@dataclass
class _RegistryWorld:
    registry: Any
    course: Any
    cremona: Any
    voucher: Any


# --- requests ----------------------------------------------------------------------------------


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def fill(pattern: str, values: dict[str, Any]) -> str:
    """The path of a route pattern with its parameters filled (``<int:pk>``, ``(?P<pk>…)``, ``{id}``)."""
    path = "/" + pattern.lstrip("^").rstrip("$")

    def value(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("rname")
        return str(values[name])

    path = _PARAM.sub(value, path)
    path = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
    path = path.replace("^", "").replace("$", "")  # the anchors of a regex included in a route
    return path.replace("\\.", ".").replace("/?", "/")


def _admin_object_id(world: World, pattern: str) -> Any:
    """The pk of a record of the admin page's model (``admin/<app>/<model>/<object_id>/…``), or the admin's own."""
    from django.apps import apps

    match = re.match(r"admin/(\w+)/(\w+)/<path:object_id>", pattern)
    if match:
        try:
            model = apps.get_model(match.group(1), match.group(2))
        except LookupError:
            model = None
        first = model._default_manager.order_by("pk").first() if model is not None else None
        if first is not None:
            return first.pk
    return world.users[ADMIN].pk


def route_values(world: World, rule: Rule, side: str, pattern: str = "") -> dict[str, Any]:
    """The values of a route's parameters: the fixture's pk (and token), a level for the budget."""
    # Routes without a record: the admin site's (an object of its own, an app, a path it redirects) and
    # a password reset link (an invalid one: its page says so).
    values: dict[str, Any] = {
        "format": "json", "level": "plans", "object_id": _admin_object_id(world, pattern), "id": world.users[ADMIN].pk, "app_label": "auth", "url": "auth",
        "uidb64": "MQ", "token": "link-scaduto",
    }  # fmt: skip
    if rule.fixture is None:
        return values
    obj = world.obj(rule.fixture, side)
    values.update(pk=obj.pk, id=obj.pk)
    token = getattr(obj, "token", None)
    if token is not None:
        values["token"] = token
    if rule.fixture == "workplace.invitation:token":
        values["code"] = world.codes[side]
    return values


def sampled_roles(rule: Rule, key: str) -> tuple[str, ...]:
    """The roles ``make test`` tries on one route: those whose answer differs by the rule, and two more.

    Anonymous, the admin and every role the rule allows are always tried; of the roles it refuses,
    two, chosen by the route's name (a stable choice, different from route to route, so that across
    a register's routes every refused role is tried). ``CONCILIA_MATRIX=full`` (``make test-matrix``)
    tries every role on every route.
    """
    tried = rule.roles_tried or ROLES
    allowed = set() if rule.allow == EVERYONE else set(rule.allow)
    kept = {ANON, ADMIN, *allowed}
    rest = [r for r in tried if r not in kept]
    if rest:
        h = zlib.crc32(key.encode())
        kept |= {rest[h % len(rest)], rest[(h // len(rest) + 1) % len(rest)]}
    return tuple(r for r in tried if r in kept)


def cases(rule: Rule, key: str = "") -> Iterator[tuple[str, str]]:
    """(role, side) pairs a rule is tried with: both sides for the scoped roles on a scoped record."""
    full = os.environ.get("CONCILIA_MATRIX", "") == "full"
    for role in (rule.roles_tried or ROLES) if full else sampled_roles(rule, key):
        for side in SIDES:
            if side == "other" and not (rule.scoped and rule.fixture is not None and role in SCOPED_ROLES):
                continue
            yield role, side


WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
#: Tables a refused request may write: the session (a message for the next page), the login lockout's log
#: and the throttles' counters (a hit is counted before the view decides; they hold no domain data).
WRITABLE = ("django_session", "axes_", "core_ratecounter")


def writes(queries: list[dict[str, Any]]) -> list[str]:
    """The write statements among captured queries (the session's aside)."""
    out = []
    for q in queries:
        sql = q["sql"]
        if WRITES.match(sql) and not any(t in sql for t in WRITABLE):
            out.append(sql[:160])
    return out
