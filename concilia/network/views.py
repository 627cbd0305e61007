"""Pages with their own workflow; the registers' generic pages come from ``registers.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from concilia.core.permissions import can, restrict, scope_of
from concilia.network import forms, services
from concilia.network.models import Alliance, JoinRequest, Network


class JoinRequestCreateView(LoginRequiredMixin, View):
    """An organisation's representative asks to join an alliance."""

    template_name = "network/joinrequest_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.alliance = get_object_or_404(restrict(Alliance.objects.all(), request.user, "view"), pk=kwargs["pk"])
        scope = scope_of(request.user)
        if request.user.is_authenticated and not (scope.organisation_ids() or scope.is_admin):
            raise PermissionDenied  # only an organisation's representatives ask to join (docs/permissions.md)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: forms.JoinRequestForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "alliance": self.alliance}, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(forms.JoinRequestForm(user=request.user))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.JoinRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.join_request_submit(
                    alliance=self.alliance,
                    organisation=form.cleaned_data["organisation"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your request has been sent to the lead of the alliance."))
                return HttpResponseRedirect(self.alliance.get_absolute_url())
        return self.render_form(form, status=400)


class JoinRequestDecideView(LoginRequiredMixin, View):
    """The lead accepts or refuses a pending request."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        join_request = get_object_or_404(restrict(JoinRequest.objects.all(), request.user, "view"), pk=pk)
        if not can(request.user, "decide", join_request):
            raise PermissionDenied(_("Only the lead of the alliance can decide."))
        form = forms.JoinDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.join_request_decide(
                    request=join_request,
                    accept=form.cleaned_data["decision"] == "accept",
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Decision recorded."))
                return HttpResponseRedirect(join_request.get_absolute_url())
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        return HttpResponseRedirect(join_request.get_absolute_url())


class JoinRequestWithdrawView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        from concilia.core.permissions import scope_of

        join_request = get_object_or_404(restrict(JoinRequest.objects.all(), request.user, "view"), pk=pk)
        if join_request.organisation_id not in scope_of(request.user).organisation_ids():
            raise PermissionDenied(_("Only the requesting organisation can withdraw its request."))
        try:
            services.join_request_withdraw(request=join_request, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Request withdrawn."))
        return HttpResponseRedirect(join_request.get_absolute_url())


class NetworkMergeView(LoginRequiredMixin, View):
    """Merge a network into another (its members are carried over)."""

    template_name = "network/network_merge.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.network = get_object_or_404(restrict(Network.objects.all(), request.user, "view"), pk=kwargs["pk"])
        if not can(request.user, "change", self.network):
            raise PermissionDenied(_("You are not allowed to do this on this record."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.NetworkMergeForm(network=self.network)
        return render(request, self.template_name, {"form": form, "object": self.network})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = forms.NetworkMergeForm(request.POST, network=self.network)
        if form.is_valid():
            target = form.cleaned_data["into"]
            if not can(request.user, "change", target):
                form.add_error("into", _("You must coordinate the network you merge into."))
            else:
                try:
                    carried = services.network_merge(
                        network=self.network, into=target, on=form.cleaned_data["on"], by=request.user
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _("%(network)s merged into %(target)s; %(count)d members carried over.")
                        % {"network": self.network, "target": target, "count": len(carried)},
                    )
                    return HttpResponseRedirect(target.get_absolute_url())
        return render(request, self.template_name, {"form": form, "object": self.network}, status=400)
