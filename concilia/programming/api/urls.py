"""Workflow endpoints of the programming cycle, beside the registers' CRUD routes."""

from django.urls import path

from concilia.programming.api import workflow as w

urlpatterns = [
    path("calls/<int:pk>/transition/", w.CallTransitionEndpoint.as_view(), name="api-call-transition"),
    path("calls/<int:pk>/admissibility-check/", w.AdmissibilityCheckEndpoint.as_view(), name="api-call-admissibility"),
    path("calls/<int:pk>/publish-ranking/", w.RankingPublishEndpoint.as_view(), name="api-call-publish-ranking"),
    path("proposals/<int:pk>/submit/", w.ProposalSubmitEndpoint.as_view(), name="api-proposal-submit"),
    path("proposals/<int:pk>/withdraw/", w.ProposalWithdrawEndpoint.as_view(), name="api-proposal-withdraw"),
    path(
        "proposals/<int:pk>/admissibility/",
        w.ProposalAdmissibilityEndpoint.as_view(),
        name="api-proposal-admissibility",
    ),
    path("proposals/<int:pk>/scores/", w.ProposalScoresEndpoint.as_view(), name="api-proposal-scores"),
    path("proposals/<int:pk>/receipt/", w.ProposalReceiptEndpoint.as_view(), name="api-proposal-receipt"),
    path("expensereports/<int:pk>/submit/", w.ExpenseReportSubmitEndpoint.as_view(), name="api-expensereport-submit"),
    path("expenselines/<int:pk>/decide/", w.ExpenseLineDecideEndpoint.as_view(), name="api-expenseline-decide"),
    path("projects/<int:pk>/close/", w.ProjectCloseEndpoint.as_view(), name="api-project-close"),
    path("conflicts/<int:pk>/withdraw/", w.ConflictWithdrawEndpoint.as_view(), name="api-conflict-withdraw"),
    path("<str:level>/<int:pk>/budget/", w.BudgetEndpoint.as_view(), name="api-budget"),
]
