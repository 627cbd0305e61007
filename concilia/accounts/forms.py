from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class LoginForm(_Styled, auth_forms.AuthenticationForm):
    """Staff log in with their user name; citizens registered with an e-mail address, with that address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name or e-mail address")

    def clean_username(self) -> str:
        value = self.cleaned_data.get("username") or ""
        # A citizen's account is named by the address, in lower case (concilia.citizens.services).
        return value.strip().lower() if "@" in value else value


class PasswordResetForm(_Styled, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(_Styled, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(_Styled, auth_forms.PasswordChangeForm):
    pass


class PersonDataForm(_Styled):
    """Whose data to export: an e-mail address, a tax code, or both."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    tax_code = forms.CharField(
        label=_("Tax code"), required=False, min_length=16, max_length=16,
        validators=[RegexValidator(r"^[A-Za-z0-9]{16}$", _("A tax code has 16 letters and digits."))],
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("tax_code") and not self.errors:
            raise forms.ValidationError(_("Enter the person's e-mail address or tax code."))
        return data
