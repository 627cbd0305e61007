"""Public pages of the catalogue: the search (list and map) and the care planner."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from concilia.services import planner as planner_mod
from concilia.services import selectors
from concilia.services.choices import WEEKDAYS
from concilia.services.search_forms import PlannerForm, SearchForm


def map_points(result: selectors.SearchResult) -> list[dict[str, Any]]:
    """The page's services as map markers (only those with coordinates)."""
    return [
        {
            "name": h.service.name,
            "url": h.service.get_absolute_url(),
            "lat": h.service.latitude,
            "lon": h.service.longitude,
            "approx": h.service.location_precision != "address",
        }
        for h in result.hits
        if h.service.latitude is not None
    ]


def short_day_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def checkbox_options(form: Any, name: str) -> list[dict[str, Any]]:
    """A multiple-choice field's boxes as plain data: the page draws them without one widget template each."""
    chosen = {str(v) for v in (form[name].value() or [])}
    return [
        {"id": f"id_{name}_{i}", "value": value, "label": label, "checked": str(value) in chosen}
        for i, (value, label) in enumerate(form.fields[name].choices)
    ]


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = selectors.search_services(form.criteria(), page=form.cleaned_data.get("pagina") or 1)
    elif not form.is_bound:
        result = selectors.search_services(selectors.SearchCriteria(), page=1)
    if result is not None:
        days = short_day_names()
        for hit in result.hits:
            hit.hours = hit.hours_text(days)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "form": form,
        "day_options": checkbox_options(form, "giorni"),
        "kind_options": checkbox_options(form, "tipo"),
        "result": result,
        "points": map_points(result) if result else [],
        "query": query.urlencode(),
        "tiles": settings.CONCILIA_MAP_TILES,
        "tiles_attribution": settings.CONCILIA_MAP_ATTRIBUTION,
        "page_title": _("Find care services"),
    }
    return render(request, "services/search.html", context)


def _labels() -> Any:
    from concilia.services.timeline import Labels

    return Labels(
        days=tuple(str(label) for _d, label in WEEKDAYS),
        title=_("Typical week: who looks after whom, and when"),
        unavailable=_("No adult available"),
        covered=_("School or someone else"),
        gap=_("Uncovered hours"),
        no_gaps=_("no uncovered hours"),
        nothing=_("nothing needed"),
    )


def planner(request: HttpRequest) -> HttpResponse:
    """The care planner: a POSTed form (family data stays out of URLs and logs), results below it."""
    form = PlannerForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = planner_mod.plan(form.plan_request())
        planner_mod.render_svgs(result, _labels())
    people = describe(result) if result else []
    return render(request, "services/planner.html", {"form": form, "result": result, "people": people})


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if m else f"{h} h"


def describe(result: planner_mod.PlanResult) -> list[dict[str, Any]]:
    """What the planner page shows for each person, in words (the SVG repeats it as a picture)."""
    days = dict(WEEKDAYS)

    def week_text(week: dict[int, list[Any]]) -> list[str]:
        return [f"{days[d]} {', '.join(str(iv) for iv in week[d])}" for d in sorted(week) if week[d]]

    people = []
    for pp in result.people:
        proposals = []
        for k, prop in enumerate(pp.proposals):
            proposals.append(
                {
                    "services": [
                        {
                            "service": pp.services[sid],
                            "minutes": _hours(prop.minutes_by_service.get(sid, 0)),
                            "distance_km": pp.distances.get(sid),
                        }
                        for sid in prop.services
                    ],
                    "uncovered": week_text(prop.uncovered),
                    # the table behind the chart, shown instead of it on a phone
                    "days": [
                        (days[d], ", ".join(str(iv) for iv in prop.uncovered.get(d, ())))
                        for d in sorted({*range(5), *pp.need})
                    ],
                    "uncovered_hours": _hours(prop.uncovered_minutes),
                    "covered_hours": _hours(prop.covered_minutes),
                    "weekly_cents": prop.weekly_cents,
                    "known_cents": prop.known_cents,
                    "svg": pp.svgs[k] if k < len(pp.svgs) else "",
                }
            )
        people.append(
            {
                "plan": pp,
                "need": week_text(pp.need),
                "needed_hours": _hours(pp.needed_minutes),
                "proposals": proposals,
                "years": None if pp.age_months is None else pp.age_months // 12,
            }
        )
    return people
