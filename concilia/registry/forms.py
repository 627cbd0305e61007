"""Forms of the registry: the registers' forms (operators) and the public enrolment and contact forms.

Statuses, listing dates and events are not in the registers' forms: they change only through
:mod:`concilia.registry.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import RestrictedModelForm
from concilia.core.privacy_notices import REGISTRY_ENROLMENT, notice_link
from concilia.registry import models
from concilia.registry.choices import Language
from concilia.services.hours import parse_weekly_hours
from concilia.services.models import VoucherScheme
from concilia.territory.models import Municipality


class TaxCodeField(forms.CharField):
    """A tax code typed in any case, with spaces: read as upper case before validation."""

    def to_python(self, value: Any) -> str:
        return "".join(str(super().to_python(value)).split()).upper()


def _tax_code(label: Any = None) -> TaxCodeField:
    from concilia.registry.models import validate_tax_code

    return TaxCodeField(label=label or _("Tax code"), max_length=16, validators=[validate_tax_code])


class BabysitterRegistryForm(RestrictedModelForm):
    restricted_fields = {"network": "change"}

    class Meta:
        model = models.BabysitterRegistry
        fields = ["name", "keeper", "network", "province", "voucher_schemes", "validity_days", "reminder_days",
                  "min_attendance_percent", "messages_per_day", "email", "description"]  # fmt: skip


class CourseForm(RestrictedModelForm):
    restricted_fields = {"registry": "change"}

    class Meta:
        model = models.Course
        fields = ["registry", "organiser", "title", "starts_on", "ends_on", "hours", "exam_on", "place"]


class CourseAttendanceForm(RestrictedModelForm):
    restricted_fields = {"course": "change"}
    tax_code = _tax_code()

    class Meta:
        model = models.CourseAttendance
        fields = ["course", "tax_code", "first_name", "last_name", "hours_attended", "exam_passed"]


class BabysitterForm(RestrictedModelForm):
    """The operator corrects an application or a listing (new certificate dates, areas…)."""

    restricted_fields = {"registry": "change"}
    tax_code = _tax_code()

    class Meta:
        model = models.Babysitter
        fields = ["registry", "first_name", "last_name", "tax_code", "birth_date", "email", "phone", "residence",
                  "eu_citizen", "citizenship", "permit_number", "permit_expires_on", "course", "attendance_hours",
                  "exam_passed", "first_aid_issued_on", "first_aid_expires_on", "no_criminal_record",
                  "declaration_on", "languages", "experience", "bio", "areas", "accepted_vouchers"]  # fmt: skip


class AvailabilityForm(RestrictedModelForm):
    restricted_fields = {"babysitter": "change"}

    class Meta:
        model = models.Availability
        fields = ["babysitter", "weekday", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
        }


def _municipalities(registry: models.BabysitterRegistry | None) -> Any:
    qs = Municipality.objects.all()
    if registry is not None:
        ids = list(registry.municipalities.values_list("pk", flat=True))
        if ids:
            return qs.filter(pk__in=ids).order_by("name")
        if registry.province_id:
            return qs.filter(province_id=registry.province_id).order_by("name")
    return qs.order_by("name")


class EnrolmentForm(RestrictedModelForm):
    """The public application form (no login). Availability is written like opening hours."""

    tax_code = _tax_code()
    residence = forms.CharField(
        label=_("Municipality of residence"),
        max_length=150,
        help_text=_("Type the name of the municipality."),
        widget=forms.TextInput(attrs={"list": "municipalities", "autocomplete": "off"}),
    )
    languages_choice = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    availability_text = forms.CharField(
        label=_("Weekly availability"),
        help_text=_("Days and times, e.g. “lun-ven 16:00-20:00; sab 09:00-13:00”."),
        max_length=300,
    )
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice: my data are used only to keep the registry, and families see only my first name, areas, availability and qualifications."),
        # A link in the help text, not in the label: the list of errors puts each label inside a link.
        help_text=notice_link(REGISTRY_ENROLMENT),
    )  # fmt: skip

    class Meta:
        model = models.Babysitter
        fields = ["first_name", "last_name", "tax_code", "birth_date", "email", "phone", "residence", "eu_citizen",
                  "citizenship", "permit_number", "permit_expires_on", "course", "attendance_hours", "exam_passed",
                  "first_aid_issued_on", "first_aid_expires_on", "no_criminal_record", "experience", "bio", "areas",
                  "accepted_vouchers"]  # fmt: skip
        widgets = {"areas": forms.SelectMultiple(attrs={"size": 8}), "accepted_vouchers": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, registry: models.BabysitterRegistry, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry = registry
        self.instance.registry = registry
        munis = _municipalities(registry)
        self.fields["areas"].queryset = munis  # type: ignore[attr-defined]
        self.fields["course"].queryset = registry.courses.order_by("-starts_on")  # type: ignore[attr-defined]
        self.fields["accepted_vouchers"].queryset = registry.voucher_schemes.all()  # type: ignore[attr-defined]
        self.fields["accepted_vouchers"].required = False
        self.fields["no_criminal_record"].label = _(
            "I declare that I have no criminal convictions and no pending criminal proceedings "
            "(self-declaration under Presidential Decree 445/2000)."
        )
        if not registry.voucher_schemes.exists():
            del self.fields["accepted_vouchers"]

    def clean_residence(self) -> Any:
        value = self.data.get(self.add_prefix("residence"), "")
        if str(value).isdigit():
            found = Municipality.objects.filter(pk=int(value)).first()
        else:
            same = Municipality.objects.filter(name__iexact=str(value).strip())
            # A name shared by municipalities of several provinces: the registry's province first.
            found = same.filter(province_id=self.registry.province_id).first() or same.order_by("pk").first()
        if found is None:
            raise ValidationError(_("Municipality not found: check the name."))
        return found

    def clean_availability_text(self) -> list[Any]:
        return parse_weekly_hours(self.cleaned_data["availability_text"])

    def _post_clean(self) -> None:
        self.instance.languages = ",".join(self.cleaned_data.get("languages_choice") or [])
        super()._post_clean()  # type: ignore[misc]


class ContactForm(forms.Form):
    """A family writes to a babysitter; the platform relays the message."""

    family_name = forms.CharField(label=_("Your name"), max_length=120)
    family_email = forms.EmailField(label=_("Your e-mail"), help_text=_("The babysitter will answer here."))
    family_phone = forms.CharField(label=_("Your phone (optional)"), max_length=40, required=False)
    message = forms.CharField(
        label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say when and for how many children you need a babysitter."),
    )  # fmt: skip
    website = forms.CharField(label=_("Leave this field empty"), required=False)  # honeypot

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class SearchForm(forms.Form):
    comune = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none(), required=False,
                                    empty_label=_("Any"))  # fmt: skip
    giorno = forms.TypedChoiceField(label=_("Day"), required=False, coerce=int, empty_value=None)
    dalle = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    alle = forms.TimeField(label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    lingua = forms.ChoiceField(label=_("Language"), required=False)
    voucher = forms.ModelChoiceField(label=_("Voucher accepted"), queryset=VoucherScheme.objects.none(),
                                     required=False, empty_label=_("Any"))  # fmt: skip

    def __init__(self, *args: Any, municipalities: Any, vouchers: Any, **kwargs: Any) -> None:
        from concilia.registry.choices import Weekday

        super().__init__(*args, **kwargs)
        self.fields["comune"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["voucher"].queryset = vouchers  # type: ignore[attr-defined]
        self.fields["giorno"].choices = [("", _("Any"))] + list(Weekday.choices)  # type: ignore[attr-defined]
        self.fields["lingua"].choices = [("", _("Any"))] + list(Language.choices)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("dalle") and data.get("alle") and data["alle"] <= data["dalle"]:
            raise ValidationError(_("The end time must follow the start time."))
        return data
