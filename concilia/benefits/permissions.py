"""Who may see and change a household.

- the family (the account that owns the household) sees and changes its own household, members,
  ISEE and consents, and nobody else's;
- the platform administrator sees every household; each read of sensitive fields by staff is
  recorded (``benefits/selectors.py``);
- no other role sees households through these policies: the staff who need a family's data for a
  call (coordinators, help-desk operators filing on a family's behalf) get it through the call's
  applications, which record their reads the same way;
- any signed-in person may create their own household (one per account).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.benefits import models
from concilia.core.permissions import NOTHING, Policy, register


def _signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _owner(prefix: str) -> Any:
    def q(user: Any) -> Q:
        return Q(**{prefix: user.pk}) if _signed_in(user) else NOTHING

    return q


register(
    models.Household,
    Policy(view=_owner("owner"), add=_signed_in, change=_owner("owner"), delete=_owner("owner")),
)
for _model in (models.Adult, models.Child, models.Dependant, models.Isee, models.Consent):
    register(
        _model,
        Policy(
            view=_owner("household__owner"),
            add=_signed_in,
            change=_owner("household__owner"),
            delete=_owner("household__owner"),
        ),
    )
