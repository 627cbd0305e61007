"""Workflow steps as pages: one base class, one small class per step in each app's ``views.py``."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy
from django.views import View

from concilia.core.permissions import can, restrict


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal on the form: each field's messages next to it, the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def refuse(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal as the page's error messages (for a step with no form to show it on)."""
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in: the button is the confirmation."""


class WorkflowStep(LoginRequiredMixin, View, metaclass=ABCMeta):
    """A workflow step on one object, as a page: the object must be visible to the user (else 404).

    GET shows the form (or a confirmation); POST calls one service in :meth:`perform`. The service
    decides who may (``PermissionDenied``, 403) and what the rules allow (``ValidationError``, shown on
    the form in the user's language, status 400); nothing changes on error.
    """

    model: ClassVar[type[models.Model]]
    title: ClassVar[Any]
    intro: ClassVar[Any] = ""
    button: ClassVar[Any] = gettext_lazy("Confirm")
    form_class: ClassVar[type[forms.Form]] = ConfirmForm
    template_name = "workflow/step.html"
    redirect_on_success = True  # False: show the page again with ``result_context`` (a step that only computes)
    result_context: dict[str, Any] = {}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def load(self, request: HttpRequest, pk: int) -> None:
        self.object = get_object_or_404(restrict(self.model._default_manager.all(), request.user, "view"), pk=pk)

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    @abstractmethod
    def perform(self, form: forms.Form) -> str:
        """Do the step; return the success message."""

    def success_url(self) -> str:
        return str(self.object.get_absolute_url())  # type: ignore[attr-defined]

    def context(self, form: forms.Form) -> dict[str, Any]:
        return {
            "form": form,
            "object": self.object,
            "title": self.title,
            "intro": self.intro,
            "button": self.button,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self.context(self.form_class(**self.form_kwargs())))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.perform(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if not self.redirect_on_success:
                    return render(request, self.template_name, {**self.context(form), **self.result_context})
                messages.success(request, message)
                return HttpResponseRedirect(self.success_url())
        return render(request, self.template_name, self.context(form), status=400)


def workflow_links(obj: Any, request: HttpRequest, steps: list[tuple[Any, str, str]]) -> list[dict[str, Any]]:
    """Buttons to the workflow steps (``label, url name, permission``) the user may take on ``obj``.

    A step whose page is not mounted is left out, so the registers stand on their own.
    """
    links = []
    for label, url_name, permission in steps:
        if not can(request.user, permission, obj):
            continue
        try:
            url = reverse(url_name, args=[obj.pk])
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url})
    return links
