from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class LoginForm(_Styled, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(_Styled, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(_Styled, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(_Styled, auth_forms.PasswordChangeForm):
    pass
