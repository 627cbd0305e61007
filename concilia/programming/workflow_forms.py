"""Forms of the programming cycle's workflow steps (the registers' own forms are in ``forms.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concilia.programming.choices import CALL_TRANSITIONS, CallStatus, RankingStatus
from concilia.programming.models import Call, EvaluationCriterion, Score


class CallStatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = CALL_TRANSITIONS.get(call.status, ())
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [(s, CallStatus(s).label) for s in allowed]


class AdmissibilityForm(forms.Form):
    admissible = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Admissible")), ("0", _("Not admissible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RankingPublishForm(forms.Form):
    status = forms.ChoiceField(label=_("Ranking"), choices=RankingStatus.choices)
    reason = forms.CharField(
        label=_("Reason for a correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when a ranking of this kind has already been published: the new version corrects it."),
    )


class ScoreForm(forms.Form):
    """One points field and one comment per criterion of the call's grid."""

    def __init__(self, *args: Any, criteria: list[EvaluationCriterion], scores: dict[int, Score], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            given = scores.get(c.pk)
            self.fields[f"points_{c.pk}"] = forms.IntegerField(
                label=c.label,
                min_value=0,
                max_value=c.max_points,
                initial=given.points if given else None,
                help_text=_("From 0 to %(max)s points.") % {"max": c.max_points},
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on “%(label)s”") % {"label": c.label},
                required=False,
                initial=given.comment if given else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class ExpenseDecisionForm(forms.Form):
    approved = forms.DecimalField(
        label=_("Amount approved (€)"), min_value=0, max_digits=14, decimal_places=2, localize=True
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when less than the amount claimed is approved."),
    )


class RulesPreviewForm(forms.Form):
    applications = forms.CharField(
        label=_("Sample applications (CSV)"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        help_text=_(
            "One proposal per row, with a header: id, submitted_at, requested_cents and the fields the rules read. "
            "Nothing is saved."
        ),
    )


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the declaration's history, with your name and the time."),
    )
