"""A person's records in the network register: the contacts of organisations (see :mod:`concilia.core.privacy`)."""

from __future__ import annotations

from typing import Any

from concilia.core import privacy
from concilia.core.permissions import restrict
from concilia.network.models import Contact


def person_records(user: Any, *, email: str, tax_code: str) -> dict[str, list[dict[str, Any]]]:
    if not email:
        return {}
    contacts = restrict(Contact.objects.filter(email__iexact=email), user, "view").select_related("organisation")
    return {
        "contacts": [
            privacy.as_dict(c, ("organisation", "name", "role", "email", "phone", "address", "is_public"))
            for c in contacts.order_by("pk")
        ]
    }
