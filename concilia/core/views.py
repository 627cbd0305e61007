"""Generic views for every register: list, detail, edit, delete, history, import.

They are declarations: a :class:`~concilia.core.registry.Register` says which model, filterset,
table, form and resource; these classes do the rest, always through ``restrict`` and the services.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import tablib
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from concilia.core.display import object_fields
from concilia.core.exports import SafeTableExport, list_links
from concilia.core.forms import ImportForm
from concilia.core.permissions import can, restrict
from concilia.core.registry import Register, Related, register_for


class RegisterMixin:
    """Gives a view its register and the objects the user may ``action``."""

    register: Register = None  # type: ignore[assignment]  # set by Register.urls()
    action = "view"
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """A visitor who is not logged in is sent to log in for any record it cannot see (which it might,
        once logged in), whether or not the record exists: nothing is confirmed to a visitor either."""
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except Http404:
            if request.user.is_authenticated:
                raise
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())

    def get_queryset(self) -> models.QuerySet:
        return restrict(self.register.queryset(), self.request.user, self.action)

    def get_object_or_404(self, pk: int, action: str | None = None) -> models.Model:
        qs = restrict(self.register.queryset(), self.request.user, action or self.action)
        try:
            return qs.get(pk=pk)
        except ObjectDoesNotExist:
            # 403 only on a record the user sees; another scope's record is never confirmed to exist.
            visible = restrict(self.register.queryset(), self.request.user, "view")
            if action and action != "view" and visible.filter(pk=pk).exists():
                raise PermissionDenied(_("You are not allowed to do this on this record.")) from None
            raise Http404 from None

    def base_context(self) -> dict[str, Any]:
        opts = self.register.model._meta
        return {
            "register": self.register,
            "verbose_name": opts.verbose_name,
            "verbose_name_plural": opts.verbose_name_plural,
            "list_url": reverse(self.register.url_name("list")),
        }


class ObjectListView(RegisterMixin, ExportMixin, SingleTableMixin, FilterView):
    """Filtered, searchable, sortable, paginated list; ``?_export=csv|xlsx`` exports the filtered rows."""

    template_name = "core/object_list.html"
    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport  # no cell can be a spreadsheet formula
    paginate_by = 25
    strict = False

    def get_filterset_class(self) -> Any:
        return self.register.filterset

    def get_table_class(self) -> Any:
        return self.register.table

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.register.slug}.{export_format}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        exports = []
        for fmt in self.export_formats:
            q = query.copy()
            q["_export"] = fmt
            exports.append((fmt.upper(), "?" + q.urlencode()))
        reg = self.register
        ctx.update(self.base_context())
        ctx.update(
            {
                "exports": exports,
                "can_add": reg.form is not None and reg.writer.creates and can(self.request.user, "add", reg.model),
                "add_url": reverse(reg.url_name("add")) if reg.form is not None else None,
                "import_url": reverse(reg.url_name("import"))
                if reg.importer is not None and can(self.request.user, "add", reg.model)
                else None,
                "result_count": ctx["table"].paginator.count if ctx["table"].page else len(ctx["table"].rows),
            }
        )
        return ctx


def related_list_links(rel: Related, obj: Any, model: type[Any]) -> dict[str, Any] | None:
    """The related records' register list narrowed to them, with its exports (see :func:`list_links`): by the
    Related's ``filters``, or else by the one foreign key to the record that the register's FilterSet has."""
    target = register_for(model)
    if target is None:
        return None
    if rel.filters is not None:
        filters = rel.filters(obj)
    else:  # the one foreign key to ``obj``'s model that the register's FilterSet filters on
        names = [
            f.name
            for f in model._meta.get_fields()
            if f.many_to_one
            and f.related_model is type(obj)
            and f.name in target.filterset.base_filters
            and model is not type(obj)  # a record's own kind (predecessors, successors): say it explicitly
        ]
        if len(names) != 1:
            return None
        filters = {names[0]: obj.pk}
    return list_links(target.url_name("list"), **filters)


class ObjectDetailView(RegisterMixin, DetailView):
    """One record with its fields, its related records and links to edit and to its history."""

    def get_template_names(self) -> list[str]:
        names = []
        if self.register.detail_template:
            names.append(self.register.detail_template)
        return [*names, "core/object_detail.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        user = self.request.user
        reg = self.register
        related: list[dict[str, Any]] = []
        for rel in reg.related:
            qs = restrict(rel.queryset(obj), user, "view")
            table = rel.table(qs, prefix=f"r{len(related)}-", orderable=False)
            RequestConfig(self.request, paginate={"per_page": 25}).configure(table)
            related.append(
                {
                    "title": rel.title,
                    "table": table,
                    "add_url": rel.add_url(obj) if rel.add_url and can(user, "change", obj) else None,
                    "list_links": related_list_links(rel, obj, qs.model),
                }
            )
        ctx.update(self.base_context())
        ctx.update(
            {
                "fields": object_fields(obj, reg.detail_fields),
                "related_tables": related,
                "can_change": reg.form is not None and reg.writer.updates and can(user, "change", obj),
                "can_delete": reg.form is not None and reg.writer.deletes and can(user, "delete", obj),
                **(reg.context(obj, self.request) if reg.context else {}),
                "actions": [
                    {"label": a.label, "url": reverse(a.url_name, args=[obj.pk]), "style": a.style}
                    for a in reg.actions
                    if can(user, a.permission, obj)
                ],
            }
        )
        return ctx


class ObjectEditView(RegisterMixin, View):
    """Create (no ``pk``) or edit a record through the register's form and its writer (``core/writers.py``)."""

    template_name = "core/object_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        pk = kwargs.get("pk")
        writer = self.register.writer
        if pk is None:
            if not writer.creates or not can(request.user, "add", self.register.model):
                raise PermissionDenied(_("You are not allowed to add records here."))
            self.object = None
        else:
            self.object = self.get_object_or_404(pk, "change")
            if not writer.updates:
                raise PermissionDenied(_("These records are not changed here: use their workflow."))
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, data: Any = None, files: Any = None) -> Any:
        form_class: Any = self.register.form
        assert form_class is not None
        initial = {k: v for k, v in self.request.GET.items() if k in form_class.base_fields}
        return form_class(data, files, instance=self.object, user=self.request.user, initial=initial)

    def render_form(self, form: Any) -> HttpResponse:
        ctx = self.base_context()
        ctx.update({"form": form, "object": self.object})
        return render(self.request, self.template_name, ctx, status=400 if form.is_bound else 200)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            instance = form.save(commit=False)
            m2m = {
                f.name: form.cleaned_data[f.name] for f in instance._meta.many_to_many if f.name in form.cleaned_data
            }
            try:
                obj = self.register.writer.save(instance=instance, by=request.user, m2m=m2m)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved: %(object)s.") % {"object": obj})
                return HttpResponseRedirect(reverse(self.register.url_name("detail"), args=[obj.pk]))
        return self.render_form(form)


class ObjectDeleteView(RegisterMixin, View):
    """Confirm, then delete; a record others depend on is refused with the reason."""

    action = "delete"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        self.object = self.get_object_or_404(kwargs["pk"], "delete")
        if not self.register.writer.deletes:
            raise PermissionDenied(_("These records are not deleted here: use their workflow."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ctx = self.base_context()
        ctx["object"] = self.object
        return render(request, "core/object_confirm_delete.html", ctx)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            self.register.writer.delete(instance=self.object, by=request.user)
        except (PermissionDenied, ValidationError) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
            return HttpResponseRedirect(reverse(self.register.url_name("detail"), args=[pk]))
        except ProtectedError as exc:
            names = ", ".join(sorted({str(o) for o in list(exc.protected_objects)[:5]}))
            messages.error(
                request,
                _("“%(object)s” cannot be deleted because other records refer to it: %(names)s.")
                % {"object": self.object, "names": names},
            )
            return HttpResponseRedirect(reverse(self.register.url_name("detail"), args=[pk]))
        messages.success(request, _("Deleted: %(object)s.") % {"object": self.object})
        return HttpResponseRedirect(reverse(self.register.url_name("list")))


class ObjectHistoryView(RegisterMixin, View):
    """The record's "Cronologia": every version with author, time and the fields that changed."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj: Any = self.get_object_or_404(pk)
        records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
        entries = []
        for i, record in enumerate(records):
            previous = records[i + 1] if i + 1 < len(records) else None
            changes = []
            if previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = obj._meta.get_field(change.field)
                    changes.append(
                        {
                            "field": getattr(field, "verbose_name", change.field),
                            "old": _display(change.old),
                            "new": _display(change.new),
                        }
                    )
            entries.append({"record": record, "changes": changes})
        ctx = self.base_context()
        ctx.update({"object": obj, "entries": entries})
        return render(request, "core/object_history.html", ctx)


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class ObjectImportView(RegisterMixin, View):
    """All-or-nothing CSV/XLSX import with a row-by-row error report (django-import-export)."""

    template_name = "core/object_import.html"
    session_key = "concilia_import_report"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not can(request.user, "add", self.register.model):
            raise PermissionDenied(_("You are not allowed to add records here."))
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form: ImportForm, **extra: Any) -> HttpResponse:
        assert self.register.importer is not None
        ctx = self.base_context()
        ctx.update({"form": form, "columns": self.register.importer.column_help(), **extra})
        status = 400 if extra.get("errors") or (form.is_bound and form.errors) else 200
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("report"):
            report = request.session.get(self.session_key)
            if not report:
                raise Http404
            response = HttpResponse(report, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.register.slug}-errori.csv"'
            return response
        return self.render_page(ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        dataset: tablib.Dataset = form.cleaned_data["dataset"]
        result, errors = import_dataset(self.register, dataset, request.user)
        if errors:
            request.session[self.session_key] = errors_to_csv(errors)
            return self.render_page(form, errors=errors, report_url="?report=1")
        messages.success(
            request,
            _("Import completed: %(new)d new, %(updated)d updated.")
            % {"new": result.totals.get("new", 0), "updated": result.totals.get("update", 0)},
        )
        return HttpResponseRedirect(reverse(self.register.url_name("list")))


def import_dataset(register: Register, dataset: tablib.Dataset, user: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Import ``dataset`` all-or-nothing. Returns the result and the errors (row, column, message)."""
    assert register.importer is not None
    resource = register.importer(user=user)
    errors: list[dict[str, Any]] = []
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=False)
        for row_number, row_errors in result.row_errors():
            for err in row_errors:
                errors.append({"row": row_number + 1, "column": "", "message": str(err.error)})
        for invalid in result.invalid_rows:
            for fieldname, msgs in invalid.error_dict.items():
                label = resource.column_label(fieldname)
                for msg in msgs:
                    errors.append({"row": invalid.number + 1, "column": label, "message": str(msg)})
        for err in result.base_errors:
            errors.append({"row": "", "column": "", "message": str(err.error)})
        if errors:
            transaction.set_rollback(True)
    errors.sort(key=lambda e: (e["row"] if isinstance(e["row"], int) else 0, str(e["column"])))
    return result, errors


def errors_to_csv(errors: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Error")])
    for e in errors:
        writer.writerow([e["row"], e["column"], e["message"]])
    return out.getvalue()
