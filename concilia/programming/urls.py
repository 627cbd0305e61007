from django.urls import path

from concilia.core.registry import registers
from concilia.programming import views

app_name = "programming"
urlpatterns = [
    path("bandi/<int:pk>/stato/", views.CallStatusView.as_view(), name="call_status"),
    path(
        "bandi/<int:pk>/verifica-ammissibilita/",
        views.AdmissibilityCheckView.as_view(),
        name="call_admissibility",
    ),
    path("bandi/<int:pk>/prova-regole/", views.CallRulesPreviewView.as_view(), name="call_rules_preview"),
    path("bandi/<int:pk>/pubblica-graduatoria/", views.RankingPublishView.as_view(), name="call_publish_ranking"),
    path("proposte/<int:pk>/presenta/", views.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("proposte/<int:pk>/ritira/", views.ProposalWithdrawView.as_view(), name="proposal_withdraw"),
    path("proposte/<int:pk>/ricevuta.pdf", views.ProposalReceiptView.as_view(), name="proposal_receipt"),
    path("proposte/<int:pk>/ammissibilita/", views.ProposalAdmissibilityView.as_view(), name="proposal_admissibility"),
    path("proposte/<int:pk>/valuta/", views.ProposalScoreView.as_view(), name="proposal_score"),
    path("rendicontazioni/<int:pk>/presenta/", views.ExpenseReportSubmitView.as_view(), name="expensereport_submit"),
    path("spese/<int:pk>/decidi/", views.ExpenseLineDecideView.as_view(), name="expenseline_decide"),
    path("progetti/<int:pk>/chiudi/", views.ProjectCloseView.as_view(), name="project_close"),
    path("conflitti-interesse/<int:pk>/ritira/", views.ConflictWithdrawView.as_view(), name="conflict_withdraw"),
]
for _reg in registers("programming"):
    urlpatterns += _reg.urls()
