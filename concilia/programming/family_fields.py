"""The contract between family calls and family applications: the fields the engine receives.

A family call's rules (eligibility, points, tie-breakers, and for place calls priorities and per-offer
points; see ``docs/call-rules.md``) may read exactly these fields, and nothing else: the call form
refuses a rule that names another. Whoever turns a household's application into the engine's
:class:`~concilia.allocation.types.Application` (``concilia/benefits``) fills every one of them from
the application as it stood at the deadline, leaving a value *missing* (``None``) when it is unknown —
a missing value makes every comparison false, and counts nothing.

Application fields (``Application.fields``):

============================  ========  ==================================================================
name                          kind      meaning
============================  ========  ==================================================================
``isee_cents``                integer   the household's ISEE in euro cents, from a DSU valid on the day of
                                        submission; missing without one (``*_cents`` reads as euros)
``municipality``              string    ISTAT code of the municipality where the household lives
``adults``                    integer   adults in the household
``parents``                   integer   parents (or guardians) of the children in the household: 1 or 2
``single_parent``             boolean   one parent (or guardian) alone with the children
``working_parents``           integer   parents in work (employed, self-employed, on parental leave)
``both_parents_working``      boolean   every parent of the household works (the only one, for a single
                                        parent)
``weekly_hours``              integer   the parents' weekly working hours, added up
``min_weekly_hours``          integer   the weekly working hours of the parent who works least (0 when one
                                        does not work)
``employer_in_network``       boolean   a parent's employer is a member of the call's network
``employment_confirmed``      boolean   the employers' HR confirmed every employment declared (false until
                                        they have)
``children_count``            integer   children under 18 in the household
``children_with_disability``  integer   of them, with a certified disability
``disability_in_household``   boolean   someone in the household (child, adult or dependant) has a
                                        certified disability
``elderly_dependants``        integer   non self-sufficient elderly people the household cares for
``children``                  list      every child of the household (at most 12), oldest first, each with
                                        the item fields below
``children_applying``         integer   the children the application is for
``weeks_requested``           integer   weeks of care asked, added up over the children applying
``child_birth_date``          date      the birth date of the child the application is for; missing when
                                        it is for more than one (place calls: always one child)
``child_disability``          boolean   the child the application is for has a certified disability
                                        (missing when it is for more than one)
``declaration``               boolean   the applicant made the call's declarations (dichiarazione
                                        sostitutiva)
============================  ========  ==================================================================

Each item of ``children``:

=================  ========  ==========================================================================
``birth_date``     date      the child's birth date
``disability``     boolean   the child has a certified disability
``applying``       boolean   the application is for this child
``weeks``          integer   weeks of care asked for this child (voucher calls per week); missing otherwise
=================  ========  ==========================================================================

Besides the fields, each :class:`~concilia.allocation.types.Application` carries the engine's own
columns: ``id`` (the application's protocol), ``submitted_at`` (the submission time, which
first-come-first-served calls rank by), for place calls ``preferences`` (the primary keys of the
catalogue's :class:`~concilia.services.models.Offer` rows, as text, most wanted first, among the call's
offers) and ``group`` (the same text for siblings applying together); never ``requested_cents``: a
voucher call computes the amount from its terms and the ``children`` list (``applying``, ``weeks``).

Offer fields of a place call (``Offer.fields``, built by :func:`concilia.programming.rules.engine_offers`),
which priorities and per-offer points read as ``offer.<name>``:

==================  ========  ======================================================================
``name``            string    the service and offer, as the explanations call it
``municipality``    string    ISTAT code of the municipality of the service
``service_kind``    string    the kind of service (``nido``, ``centro_estivo``… ``services.ServiceKind``)
``provider``        string    the primary key of the provider organisation, as text
==================  ========  ======================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FieldKind = Literal["string", "integer", "date", "boolean", "list"]

#: The language of the labels in the engine's document (and so in the explanations families read), fixed
#: so that the document — and the fingerprint of a published ranking — does not depend on who looks at it.
ENGINE_LANGUAGE = "it"


@dataclass(frozen=True)
class FieldSpec:
    """One field of the contract: its name in the rules, its kind for the engine, what it means."""

    name: str
    kind: FieldKind
    label: str | Promise
    """What the field is, in words (the explanations and the call's page name it so)."""
    items: tuple[FieldSpec, ...] = ()
    """The fields of each item of a ``list``."""
    max_items: int = 0


CHILD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("birth_date", "date", _("child's date of birth")),
    FieldSpec("disability", "boolean", _("child's certified disability")),
    FieldSpec("applying", "boolean", _("application for the child")),
    FieldSpec("weeks", "integer", _("weeks of care asked for the child")),
)

MAX_CHILDREN = 12

FAMILY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("isee_cents", "integer", _("ISEE")),
    FieldSpec("municipality", "string", _("municipality of residence")),
    FieldSpec("adults", "integer", _("adults in the household")),
    FieldSpec("parents", "integer", _("parents in the household")),
    FieldSpec("single_parent", "boolean", _("single parent")),
    FieldSpec("working_parents", "integer", _("parents in work")),
    FieldSpec("both_parents_working", "boolean", _("every parent works")),
    FieldSpec("weekly_hours", "integer", _("parents' weekly working hours")),
    FieldSpec("min_weekly_hours", "integer", _("weekly hours of the parent who works least")),
    FieldSpec("employer_in_network", "boolean", _("parent working for a member of the network")),
    FieldSpec("employment_confirmed", "boolean", _("employment confirmed by the employer")),
    FieldSpec("children_count", "integer", _("children in the household")),
    FieldSpec("children_with_disability", "integer", _("children with a certified disability")),
    FieldSpec("disability_in_household", "boolean", _("certified disability in the household")),
    FieldSpec("elderly_dependants", "integer", _("non self-sufficient elderly people cared for")),
    FieldSpec("children", "list", _("children"), items=CHILD_FIELDS, max_items=MAX_CHILDREN),
    FieldSpec("children_applying", "integer", _("children the application is for")),
    FieldSpec("weeks_requested", "integer", _("weeks of care asked")),
    FieldSpec("child_birth_date", "date", _("child's date of birth")),
    FieldSpec("child_disability", "boolean", _("child's certified disability")),
    FieldSpec("declaration", "boolean", _("declarations made")),
)

OFFER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "string", _("service")),
    FieldSpec("municipality", "string", _("municipality of the service")),
    FieldSpec("service_kind", "string", _("kind of service")),
    FieldSpec("provider", "string", _("provider")),
)

BY_NAME: Mapping[str, FieldSpec] = {spec.name: spec for spec in FAMILY_FIELDS}


def _declare(spec: FieldSpec) -> Any:
    if spec.kind == "list":
        return {
            "list": {item.name: item.kind for item in spec.items},
            "max_items": spec.max_items,
            "label": str(spec.label),
        }
    return {"type": spec.kind, "label": str(spec.label)}


def engine_fields() -> dict[str, Any]:
    """The ``fields:`` section of a family call's engine document, labelled in :data:`ENGINE_LANGUAGE`."""
    with translation.override(ENGINE_LANGUAGE):
        return {spec.name: _declare(spec) for spec in FAMILY_FIELDS}


def engine_offer_fields() -> dict[str, Any]:
    """The ``offer_fields:`` section of a place call's engine document."""
    return {spec.name: spec.kind for spec in OFFER_FIELDS}


def labels() -> dict[str, str]:
    """Every application field's and child field's words, in the active language: for pages and messages."""
    return {spec.name: str(spec.label) for spec in (*FAMILY_FIELDS, *CHILD_FIELDS)}


def offer_labels() -> dict[str, str]:
    """The offer fields' words (read as ``offer.<name>``), in the active language."""
    return {spec.name: str(spec.label) for spec in OFFER_FIELDS}


def names(*, items: bool = False) -> list[str]:
    """The field names a rule may read: the application's, or (``items``) those of a child in ``children``."""
    return [spec.name for spec in (CHILD_FIELDS if items else FAMILY_FIELDS)]
