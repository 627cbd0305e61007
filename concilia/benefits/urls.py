from django.urls import path

from concilia.benefits import apply_views, desk_views, ranking_views, views

app_name = "benefits"

urlpatterns = [
    path("", views.HouseholdView.as_view(), name="household"),
    path("adulti/nuovo/", views.AdultView.as_view(), name="adult_add"),
    path("adulti/<int:pk>/", views.AdultView.as_view(), name="adult_edit"),
    path("adulti/<int:pk>/elimina/", views.AdultDeleteView.as_view(), name="adult_delete"),
    path("figli/nuovo/", views.ChildView.as_view(), name="child_add"),
    path("figli/<int:pk>/", views.ChildView.as_view(), name="child_edit"),
    path("figli/<int:pk>/elimina/", views.ChildDeleteView.as_view(), name="child_delete"),
    path("familiari/nuovo/", views.DependantView.as_view(), name="dependant_add"),
    path("familiari/<int:pk>/", views.DependantView.as_view(), name="dependant_edit"),
    path("familiari/<int:pk>/elimina/", views.DependantDeleteView.as_view(), name="dependant_delete"),
    path("isee/", views.IseeView.as_view(), name="isee"),
    path("consensi/", views.consent_give, name="consent_give"),
    path("consensi/<int:pk>/revoca/", views.consent_withdraw, name="consent_withdraw"),
    path("nuclei/<int:pk>/", views.staff_household, name="staff_household"),
    path("bandi/", apply_views.calls, name="calls"),
    path("bandi/<int:pk>/", apply_views.call_start, name="call_start"),
    path("domande/<int:pk>/", apply_views.application_detail, name="application"),
    path("domande/<int:pk>/passo/<slug:step>/", apply_views.application_step, name="application_step"),
    path("domande/<int:pk>/invia/", apply_views.application_submit, name="application_submit"),
    path("domande/<int:pk>/ritira/", apply_views.application_withdraw, name="application_withdraw"),
    path("domande/<int:pk>/ricevuta/", apply_views.application_receipt, name="application_receipt"),
    path("domande/<int:pk>/allegati/<int:attachment>/", apply_views.attachment_download, name="attachment"),
    path("domande/<int:pk>/graduatoria/", ranking_views.application_ranking, name="application_ranking"),
    path("graduatorie/<int:pk>/", ranking_views.ranking_public, name="ranking_public"),
    path("bandi/<int:pk>/graduatorie/", ranking_views.ranking_staff, name="ranking_staff"),
    path("bandi/<int:pk>/domande/", ranking_views.call_applications, name="call_applications"),
    path("domande/<int:pk>/scheda/", ranking_views.application_staff, name="application_staff"),
    path("bandi/<int:pk>/chiusura/", ranking_views.ClosingDayView.as_view(), name="closing_day"),
    path("bandi/<int:pk>/graduatoria-definitiva/", ranking_views.final_ranking, name="final_ranking"),
    path("graduatorie/<int:pk>/chiedi-pubblicazione/", ranking_views.ranking_request, name="ranking_request"),
    path("graduatorie/<int:pk>/approva/", ranking_views.ranking_approve, name="ranking_approve"),
    path("ricorsi/<int:pk>/decidi/", ranking_views.objection_decide, name="objection_decide"),
    path("sportello/", desk_views.desk_file, name="desk_file"),
    path("conferme-lavoro/", apply_views.confirmations, name="confirmations"),
    path("conferme-lavoro/<int:pk>/", apply_views.confirmation_decide, name="confirmation_decide"),
]
