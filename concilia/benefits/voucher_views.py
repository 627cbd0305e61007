"""Vouchers of a voucher call, as pages: the family's voucher (its code and QR), the provider's redemption from a
phone (the QR opens it with the code filled in) with its own redemptions only, and the coordinators' page that
issues the vouchers, approves the redemptions for reimbursement in batches and exports the payments.
"""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.apply_views import visible_applications
from concilia.benefits.choices import RedemptionStatus
from concilia.benefits.models import Redemption, ReimbursementBatch, Voucher
from concilia.core.forms import MoneyField
from concilia.core.permissions import is_coordinator, scope_of
from concilia.core.receipts import euro
from concilia.core.workflow_views import add_service_errors, refuse
from concilia.programming.choices import CallKind
from concilia.programming.models import Call
from concilia.services.choices import ServiceKind
from concilia.services.models import Service


def redeem_url(code: str) -> str:
    return f"{settings.CONCILIA_SITE_URL.rstrip('/')}{reverse('benefits:voucher_redeem')}?codice={code}"


def qr_svg(code: str) -> str:
    """The QR of the voucher: the provider's redemption page with the code filled in (segno, inline SVG)."""
    return segno.make(redeem_url(code), error="m").svg_inline(scale=4, border=2, title=code)


@login_required
def voucher(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's vouchers of an application: code, QR, value, what is left, until when, where."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    vouchers = list(application.vouchers.select_related("call__family_terms").order_by("round"))
    if not vouchers:
        raise Http404(_("No voucher has been issued to this application."))
    labels = dict(ServiceKind.choices)
    rows = [
        {
            "voucher": v,
            "qr": mark_safe(qr_svg(v.code)),  # noqa: S308 - segno's own SVG of our URL
            "kinds": [labels.get(k, k) for k in getattr(getattr(v.call, "family_terms", None), "service_kinds", [])],
        }
        for v in vouchers
    ]
    return render(request, "benefits/voucher.html", {"application": application, "rows": rows})


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Voucher code"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control text-uppercase", "autocomplete": "off"}),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=Service.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount_cents = MoneyField(label=gettext_lazy("Amount"))
    period_start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    attendance_days = forms.IntegerField(
        label=gettext_lazy("Days attended"),
        min_value=0,
        max_value=366,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    receipt_number = forms.CharField(
        label=gettext_lazy("Receipt number"),
        max_length=40,
        help_text=gettext_lazy("The number of the receipt you gave the family."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        services_qs = Service.objects.all() if scope.is_admin else Service.objects.filter(
            provider_id__in=scope.organisation_ids(Role.SERVICE_PROVIDER))  # fmt: skip
        self.fields["service"].queryset = services_qs.order_by("name")  # type: ignore[attr-defined]
        only = list(services_qs.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # a provider with one service: already chosen
            self.fields["service"].initial = only[0]


def _require_provider(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.has_role(Role.SERVICE_PROVIDER)):
        raise PermissionDenied(_("Only a service's provider redeems vouchers."))


def _own_redemptions(user: Any) -> Any:
    scope = scope_of(user)
    rows = Redemption.objects.select_related("voucher", "service")
    if scope.is_admin:
        return rows
    return rows.filter(provider_id__in=scope.organisation_ids(Role.SERVICE_PROVIDER))


@login_required
def voucher_redeem(request: HttpRequest) -> HttpResponse:
    """The provider redeems a voucher (the QR opens this page with the code); below, its own redemptions only."""
    _require_provider(request)
    initial = {"code": request.GET.get("codice", "")}
    form = RedeemForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                redemption = services.voucher_redeem(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Voucher %(code)s redeemed: %(amount)s, to be reimbursed.")
                    % {"code": redemption.voucher.code, "amount": euro(redemption.amount_cents)},
                )
                return HttpResponseRedirect(reverse("benefits:voucher_redeem"))
        status = 400
    rows = _own_redemptions(request.user).order_by("-redeemed_at")[:50]
    return render(request, "benefits/voucher_redeem.html", {"form": form, "rows": rows}, status=status)


def _voucher_call(request: HttpRequest, pk: int) -> Call:
    call = get_object_or_404(Call.objects.filter(kind=CallKind.FAMILY_VOUCHERS), pk=pk)
    if not is_coordinator(call.network_id, request.user):
        raise PermissionDenied(_("Only the coordinators of the call's network may do this."))
    return call


@login_required
def call_vouchers(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's vouchers, the redemptions waiting for reimbursement, the batches; issue and approve."""
    call = _voucher_call(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "issue":
                made = services.vouchers_issue(call=call, by=request.user)
                messages.success(request, _("%(n)s vouchers issued: the families are told.") % {"n": len(made)})
            elif action == "approve":
                batch = services.redemptions_approve(call=call, by=request.user)
                messages.success(
                    request,
                    _("%(n)s redemptions approved for reimbursement.") % {"n": batch.redemptions.count()},
                )
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        return HttpResponseRedirect(reverse("benefits:call_vouchers", args=[call.pk]))
    vouchers = Voucher.objects.filter(call=call).select_related("application").order_by("round", "pk")
    waiting = Redemption.objects.filter(voucher__call=call, status=RedemptionStatus.SUBMITTED).select_related(
        "voucher__application", "provider", "service"
    )
    return render(
        request,
        "benefits/call_vouchers.html",
        {
            "call": call,
            "ranking": services.published_ranking(call),
            "vouchers": vouchers,
            "waiting": waiting,
            "batches": ReimbursementBatch.objects.filter(call=call).order_by("-approved_at"),
        },
    )


@login_required
def batch_download(request: HttpRequest, pk: int, batch: int) -> HttpResponse:
    call = _voucher_call(request, pk)
    item = get_object_or_404(ReimbursementBatch.objects.filter(call=call), pk=batch)
    response = HttpResponse(
        services.batch_xlsx(item), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rimborsi-{call.pk}-{item.pk}.xlsx"'
    return response


# -- providers join a voucher scheme -------------------------------------------------------------


def _coordinated_scheme_requests(user: Any) -> Any:
    from concilia.benefits.models import SchemeRequest

    scope = scope_of(user)
    rows = SchemeRequest.objects.select_related("scheme", "service__provider").filter(status="pending")
    if scope.is_admin:
        return rows
    return rows.filter(scheme__network_id__in=scope.coordinated_network_ids)


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    """The voucher schemes: a provider asks that a service join one; the coordinators decide the requests."""
    from concilia.benefits.models import SchemeRequest
    from concilia.services.models import VoucherScheme

    scope = scope_of(request.user)
    is_provider = scope.is_admin or scope.has_role(Role.SERVICE_PROVIDER)
    deciding = _coordinated_scheme_requests(request.user)
    if not (is_provider or scope.coordinated_network_ids or scope.is_admin):
        raise PermissionDenied(_("Only providers and the networks' coordinators use the voucher schemes' page."))
    own_services = (
        Service.objects.filter(provider_id__in=scope.organisation_ids(Role.SERVICE_PROVIDER)).order_by("name")
        if not scope.is_admin
        else Service.objects.none()
    )
    mine = SchemeRequest.objects.filter(service__in=own_services).select_related("scheme", "service")
    return render(
        request,
        "benefits/schemes.html",
        {
            "schemes": VoucherScheme.objects.order_by("name"),
            "own_services": own_services,
            "mine": mine.order_by("-created_at")[:50],
            "deciding": deciding.order_by("created_at"),
        },
    )


@login_required
@require_POST
def scheme_join(request: HttpRequest, pk: int) -> HttpResponse:
    from concilia.services.models import VoucherScheme

    scheme = get_object_or_404(VoucherScheme, pk=pk)
    service = Service.objects.filter(pk=request.POST.get("service") or 0).first()
    if service is None:
        messages.error(request, _("Choose the service that joins the scheme."))
        return HttpResponseRedirect(reverse("benefits:schemes"))
    try:
        services.scheme_request_submit(scheme=scheme, service=service, message=request.POST.get("message", ""),
                                       by=request.user)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Request sent: the coordinators of the scheme's network decide."))
    return HttpResponseRedirect(reverse("benefits:schemes"))


@login_required
@require_POST
def scheme_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(_coordinated_scheme_requests(request.user), pk=pk)
    accept = request.POST.get("accept") == "1"
    try:
        services.scheme_request_decide(request=row, accept=accept, reason=request.POST.get("reason", ""),
                                       by=request.user)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Request accepted: the service accepts the scheme's vouchers.") if accept
                         else _("Request refused, with its reason."))  # fmt: skip
    return HttpResponseRedirect(reverse("benefits:schemes"))
