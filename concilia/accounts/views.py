"""A person's data in one file, for the staff who hold it (GDPR art. 15 and 20)."""

from __future__ import annotations

import json
import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from concilia.accounts.forms import PersonDataForm
from concilia.core import clock, privacy

log = logging.getLogger("concilia.privacy")


class PersonDataView(LoginRequiredMixin, View):
    """Find every record about a person that the signed-in user may see, and hand them over as one JSON file.

    Each app contributes its records (``<app>/privacy.py``, ``person_records``), narrowed to the user's
    scope by the same rules as every page: an operator exports what their desk holds, nothing else.
    The export is logged with the user and the number of records, never with the person's identifiers.
    """

    template_name = "accounts/person_data.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": PersonDataForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonDataForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        document = privacy.person_export(
            request.user, email=form.cleaned_data["email"] or "", tax_code=form.cleaned_data["tax_code"] or ""
        )
        count = sum(len(rows) for rows in document["records"].values())
        log.info("personal data export by %s: %d records", request.user.get_username(), count)
        if not count:
            return render(request, self.template_name, {"form": form, "nothing": True})
        response = HttpResponse(
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="dati-personali-{clock.today():%Y%m%d}.json"'
        response["Cache-Control"] = "no-store"
        return response
