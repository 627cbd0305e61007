"""The filters' shared behaviour."""

from __future__ import annotations

from django.utils import translation

from concilia.network.filtersets import OrganisationFilterSet
from concilia.network.models import Organisation


def test_a_yes_no_filter_offers_any_instead_of_unknown() -> None:
    with translation.override("it"):
        form = OrganisationFilterSet(data={}, queryset=Organisation.objects.none()).form
        labels = [str(label) for _value, label in form.fields["is_example"].widget.choices]
    assert labels == ["Qualsiasi", "Sì", "No"]
