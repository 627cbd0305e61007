"""The public search and planner forms: GET parameters in, :class:`SearchCriteria` out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.services.choices import WEEKDAYS, ServiceKind
from concilia.services.models import VoucherScheme
from concilia.services.selectors import SearchCriteria
from concilia.territory.models import Municipality

RADIUS_CHOICES = [(2, "2 km"), (5, "5 km"), (10, "10 km"), (20, "20 km"), (50, "50 km")]


class MunicipalityByNameField(forms.CharField):
    """A current municipality of the platform's regions, typed by name or ISTAT code."""

    def clean(self, value: Any) -> Municipality | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        qs = Municipality.objects.current().filter(province__region__code__in=settings.CONCILIA_REGIONS)
        qs = qs.select_related("province")
        found = (
            list(qs.filter(istat_code=text.zfill(6))[:1]) if text.isdigit() else list(qs.filter(name__iexact=text)[:2])
        )
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise forms.ValidationError(
                _("More than one municipality is called “%(value)s”: use its ISTAT code."), params={"value": text}
            )
        similar = ", ".join(m.name for m in qs.filter(name__icontains=text[:6]).order_by("name")[:5])
        if similar:
            raise forms.ValidationError(
                _("Unknown municipality “%(value)s”. Did you mean: %(similar)s?"),
                params={"value": text, "similar": similar},
            )
        raise forms.ValidationError(_("Unknown municipality “%(value)s”."), params={"value": text})


class SearchForm(forms.Form):
    """Every field optional: an empty form lists the whole catalogue."""

    comune = MunicipalityByNameField(
        label=_("Municipality"), required=False, help_text=_("Name or ISTAT code, e.g. Sesto San Giovanni.")
    )
    raggio = forms.TypedChoiceField(label=_("Within"), choices=RADIUS_CHOICES, coerce=int, initial=10, required=False)
    nascita = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    dal = forms.DateField(
        label=_("Care needed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The child's age is computed on this date (default: today)."),
    )
    giorni = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    dalle = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    alle = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    tipo = forms.MultipleChoiceField(
        label=_("Kind of service"), choices=ServiceKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    prezzo_max = forms.DecimalField(
        label=_("Maximum price per week (€)"), required=False, min_value=Decimal(0), max_digits=8, decimal_places=2
    )
    voucher = forms.ModelChoiceField(
        label=_("Voucher accepted"), queryset=VoucherScheme.objects.current(), required=False
    )
    pagina = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("raggio"):
            data = data.copy()
            data["raggio"] = "10"
        super().__init__(data, *args, **kwargs)
        for name, f in self.fields.items():
            w = f.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")
            w.attrs.setdefault("id", f"id_{name}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("dalle"), data.get("alle")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both the start and the end of the hours you need, or neither."))
        if start and end and end <= start:
            self.add_error("alle", _("The end must follow the start."))
        birth = data.get("nascita")
        if birth and birth > (data.get("dal") or clock.today()):
            self.add_error("nascita", _("The date of birth is after the date care is needed."))
        return data

    def criteria(self) -> SearchCriteria:
        d = self.cleaned_data
        price = d.get("prezzo_max")
        return SearchCriteria(
            birth_date=d.get("nascita"),
            needed_on=d.get("dal") or clock.today(),
            municipality=d.get("comune"),
            radius_km=float(d.get("raggio") or 10),
            days=d.get("giorni") or (),
            time_from=d.get("dalle"),
            time_to=d.get("alle"),
            kinds=d.get("tipo") or (),
            max_weekly_cents=None if price is None else int(price * 100),
            voucher=d.get("voucher"),
        )


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class WeeklyHoursField(forms.CharField):
    """Hours in the compact form ``lun-ven 08:30-17:30; sab 09:00-13:00``."""

    def clean(self, value: Any) -> list[tuple[int, dt.time, dt.time]]:  # type: ignore[override]
        from django.core.exceptions import ValidationError

        from concilia.services.hours import parse_weekly_hours

        text = (super().clean(value) or "").strip()
        if not text:
            return []
        try:
            return parse_weekly_hours(text)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


HOURS_HELP = _(
    "Days, then times: “lun-ven 08:30-17:30”; several groups with “;”, e.g. “lun-gio 08:30-17:30; ven 08:30-13:00”."
)


def _next_monday() -> dt.date:
    today = clock.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


class PlannerForm(forms.Form):
    comune = MunicipalityByNameField(
        label=_("Where you live"), help_text=_("Name or ISTAT code, e.g. Sesto San Giovanni.")
    )
    raggio = forms.TypedChoiceField(label=_("Services within"), choices=RADIUS_CHOICES, coerce=int, initial=5)
    settimana = forms.DateField(
        label=_("Week to plan"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Any day of the week; a summer week shows summer camps instead of school."),
    )
    genitore1_orari = WeeklyHoursField(label=_("First parent: working hours"), help_text=HOURS_HELP)
    genitore1_viaggio = forms.IntegerField(
        label=_("Travel time each way (minutes)"), min_value=0, max_value=240, initial=0, required=False
    )
    genitore2_orari = WeeklyHoursField(
        label=_("Second parent: working hours"), required=False, help_text=_("Leave empty for a single parent.")
    )
    genitore2_viaggio = forms.IntegerField(
        label=_("Travel time each way (minutes)"), min_value=0, max_value=240, initial=0, required=False
    )
    figlio1_nascita = forms.DateField(
        label=_("First child: date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    figlio1_scuola = WeeklyHoursField(
        label=_("First child: school hours"),
        required=False,
        help_text=_("Leave empty if the child does not go to school (or in summer)."),
    )
    figlio2_nascita = forms.DateField(
        label=_("Second child: date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    figlio2_scuola = WeeklyHoursField(label=_("Second child: school hours"), required=False)
    figlio3_nascita = forms.DateField(
        label=_("Third child: date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    figlio3_scuola = WeeklyHoursField(label=_("Third child: school hours"), required=False)
    anziano = forms.BooleanField(label=_("An elderly relative who needs care"), required=False)
    anziano_presenze = WeeklyHoursField(
        label=_("Hours when someone else is with the relative"),
        required=False,
        help_text=_("E.g. a carer or a neighbour; leave empty if nobody."),
    )

    CHILDREN = (1, 2, 3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["settimana"].initial = _next_monday()
        for name, f in self.fields.items():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")
            if isinstance(f, WeeklyHoursField):
                # a child's school hours are not a parent's work hours
                school = name.startswith("figlio") or name.startswith("anziano")
                w.attrs.setdefault("placeholder", "lun-ven 08:15-16:15" if school else "lun-ven 08:30-17:30")
                w.attrs.setdefault("autocomplete", "off")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        week = data.get("settimana")
        for i in self.CHILDREN:
            birth = data.get(f"figlio{i}_nascita")
            if data.get(f"figlio{i}_scuola") and not birth:
                self.add_error(f"figlio{i}_nascita", _("Give the child's date of birth."))
            if birth and week and birth > week:
                self.add_error(f"figlio{i}_nascita", _("The date of birth is after the week to plan."))
        if not any(data.get(f"figlio{i}_nascita") for i in self.CHILDREN) and not data.get("anziano"):
            raise forms.ValidationError(_("Add at least one child or an elderly relative."))
        return data

    def plan_request(self) -> Any:
        from concilia.services.planner import CarerInput, PersonInput, PlanRequest

        d = self.cleaned_data
        carers = [CarerInput(str(_("First parent")), d["genitore1_orari"], d.get("genitore1_viaggio") or 0)]
        if d.get("genitore2_orari"):
            carers.append(CarerInput(str(_("Second parent")), d["genitore2_orari"], d.get("genitore2_viaggio") or 0))
        persons = []
        for i in self.CHILDREN:
            birth = d.get(f"figlio{i}_nascita")
            if birth:
                persons.append(PersonInput(str(_("Child %(n)s") % {"n": i}), birth, d.get(f"figlio{i}_scuola") or []))
        if d.get("anziano"):
            persons.append(PersonInput(str(_("Elderly relative")), None, d.get("anziano_presenze") or []))
        return PlanRequest(d["comune"], d["settimana"], carers, persons, float(d.get("raggio") or 5))
