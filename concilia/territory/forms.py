"""Form fields for territory references."""

from __future__ import annotations

from typing import Any

from django import forms

from concilia.territory.models import Municipality


class MunicipalityChoiceField(forms.ModelChoiceField):
    """Current municipalities of the platform's regions (``CONCILIA_REGIONS``), shown as “Name (XX)”."""

    def __init__(self, **kwargs: Any) -> None:
        # The one rule of which municipalities a form offers (also applied by ``RestrictedModelForm``).
        kwargs.setdefault(
            "queryset", Municipality.limit_choices(Municipality.objects.select_related("province"), keep=[])
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Municipality) -> str:
        return f"{obj.name} ({obj.province.car_plate})"

    def keep(self, current: Municipality | None) -> None:
        """Keep an existing value selectable even when it lies outside the platform's regions."""
        queryset: Any = self.queryset
        if current is not None and not queryset.filter(pk=current.pk).exists():
            self.queryset = (queryset | Municipality.objects.filter(pk=current.pk)).select_related("province")
