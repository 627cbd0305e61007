"""Forms of the help desks: the registers' forms (desks, hours, closures, cases, referrals) and the public booking form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.forms import RestrictedModelForm
from concilia.core.permissions import restrict
from concilia.helpdesk import models, selectors, services
from concilia.helpdesk.choices import Need
from concilia.network.models import Organisation


def field_of(form: forms.BaseForm, name: str) -> Any:
    """A form's field, typed loosely (choice and model-choice fields have attributes ``Field`` lacks)."""
    return form.fields[name]


class NeedsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Need.choices, **kwargs)


class DeskForm(RestrictedModelForm):
    restricted_fields = {"network": "view"}
    services = NeedsField(label=capfirst(_("services offered")), required=False)

    class Meta:
        model = models.Desk
        fields = ["name", "organisation", "network", "description", "address", "postal_code", "municipality",
                  "latitude", "longitude", "phone", "email", "services", "operators", "slot_minutes", "weeks_ahead",
                  "capacity_per_slot", "is_published"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from concilia.core.permissions import scope_of
        from concilia.helpdesk.permissions import operator_organisations

        if not scope_of(self.user).is_admin:
            own = operator_organisations(self.user)
            if self.instance.pk:
                own.add(self.instance.organisation_id)
            field_of(self, "organisation").queryset = Organisation.objects.filter(pk__in=own)
            # Not every account of the platform: the desk operators of these organisations, and whoever
            # is already listed (e.g. a volunteer added by the administrator).
            from concilia.accounts.choices import Role
            from concilia.accounts.models import User

            q = Q(roles__role=Role.DESK_OPERATOR, roles__organisation__in=own)
            if self.instance.pk:
                q |= Q(helpdesks=self.instance)
            field_of(self, "operators").queryset = User.objects.filter(
                pk__in=User.objects.filter(q).values("pk")
            ).order_by("username")


class DeskPartForm(RestrictedModelForm):
    restricted_fields = {"desk": "change"}


class DeskHoursForm(DeskPartForm):
    class Meta:
        model = models.DeskHours
        fields = ["desk", "weekday", "opens", "closes", "appointments"]
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}), "closes": forms.TimeInput(attrs={"type": "time"})}


class DeskClosureForm(DeskPartForm):
    class Meta:
        model = models.DeskClosure
        fields = ["desk", "start", "end", "reason", "every_year", "source"]


def desk_staff(desks: Any, also: int | None = None) -> Any:
    """The users who may handle the cases of ``desks``: their listed operators and the desk operators of
    the organisations running them (not every account of the platform)."""
    from django.db.models import Q

    from concilia.accounts.choices import Role
    from concilia.accounts.models import User

    q = Q(helpdesks__in=desks) | Q(roles__role=Role.DESK_OPERATOR, roles__organisation__in=desks.values("organisation"))
    if also:
        q |= Q(pk=also)
    return User.objects.filter(pk__in=User.objects.filter(q).values("pk"), is_active=True).order_by("username")


class CaseForm(DeskPartForm):
    """Log a contact quickly: the desk, channel, needs and outcome; the citizen only if not anonymous."""

    needs = NeedsField(label=capfirst(_("needs")))

    class Meta:
        model = models.Case
        fields = ["desk", "opened_on", "channel", "anonymous", "first_name", "last_name", "email", "phone",
                  "municipality", "needs", "description", "outcome", "follow_up_on", "handled_by", "appointment",
                  "status"]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Appointments of the user's desks that have no case yet (or are this case's).
        free = models.Appointment.objects.select_related("desk").filter(
            Q(case__isnull=True) | Q(case=self.instance.pk or 0)
        )
        field_of(self, "appointment").queryset = restrict(free, self.user, "change")
        wanted = str(self.initial.get("appointment") or "")
        if not self.instance.pk and not self.is_bound and wanted.isdigit():
            # "Log the case" from an appointment: its details, if the user handles it.
            appointment = field_of(self, "appointment").queryset.filter(pk=int(wanted)).first()
            if appointment is not None:
                self.initial.update(services.case_initial_from_appointment(appointment))
        desks = restrict(models.Desk.objects.all(), self.user, "change")
        field_of(self, "handled_by").queryset = desk_staff(desks, also=self.instance.handled_by_id)
        if not self.instance.pk:
            self.fields["opened_on"].initial = clock.today()
            if self.user is not None and getattr(self.user, "is_authenticated", False):
                self.fields["handled_by"].initial = self.user.pk
            if desks.count() == 1:
                self.fields["desk"].initial = desks.get().pk
        if isinstance(self.initial.get("needs"), str):
            self.initial["needs"] = [self.initial["needs"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("anonymous"):
            for name in ("first_name", "last_name", "email", "phone"):
                data[name] = ""
        return data


class ReferralForm(RestrictedModelForm):
    restricted_fields = {"case": "change", "to_desk": "view", "call": "view", "service": "view"}

    class Meta:
        model = models.Referral
        fields = ["case", "service", "to_desk", "call", "other", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from concilia.programming.choices import CallStatus

        field_of(self, "call").queryset = field_of(self, "call").queryset.filter(status=CallStatus.OPEN)
        self.fields["call"].help_text = _("Only open calls are offered.")


# --- public booking ------------------------------------------------------------------------------


class BookingForm(forms.Form):
    """The citizen's booking: one of the free times, who they are, what it is about."""

    slot = forms.ChoiceField(label=_("Time"), widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The confirmation and the link to cancel are sent here."))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    topic = forms.ChoiceField(label=_("What it is about"), choices=[("", "—"), *Need.choices])
    note = forms.CharField(label=_("Message for the desk (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice: my data are used only to manage this appointment."),
    )

    def __init__(self, *args: Any, slots: list[selectors.Slot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "slot").choices = [(s.key, s.key) for s in slots]
        for name, field in self.fields.items():
            if name in ("slot", "privacy"):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})

    def clean_slot(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.cleaned_data["slot"])


# A period's days lie within these: a year 1 or 9999 would overflow the day arithmetic.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


class StatisticsForm(forms.Form):
    """The period of the statistics page: ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (default: the last twelve months)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
            )

    def period(self) -> tuple[dt.date, dt.date]:
        today = clock.today()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("to") or today
        start = data.get("from") or end - dt.timedelta(days=364)  # the last twelve months
        return start, end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            raise forms.ValidationError(_("The end cannot precede the start."))
        return data
