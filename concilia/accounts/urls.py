"""Log in and out, reset and change the password: Django's views, with the project's forms and throttles."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from concilia.accounts.forms import LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from concilia.accounts.views import PersonDataView
from concilia.core.throttling import throttle

urlpatterns = [
    path(
        "accesso/",
        throttle("login")(auth_views.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accesso/password-dimenticata/",
        throttle("password_reset")(auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)),
        name="password_reset",
    ),
    path(
        "accesso/password-dimenticata/inviata/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accesso/nuova-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accesso/nuova-password/fatto/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            form_class=PasswordChangeForm, success_url=reverse_lazy("password_change_done")
        ),
        name="password_change",
    ),
    path("account/password/fatto/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/dati-personali/", PersonDataView.as_view(), name="person_data"),
]
