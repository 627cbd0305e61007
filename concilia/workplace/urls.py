from django.urls import URLPattern, URLResolver, path

from concilia.core.registry import registers
from concilia.workplace import views

app_name = "workplace"
urlpatterns: list[URLPattern | URLResolver] = [
    path("misure/", views.MeasuresView.as_view(), name="measures"),
    path("questionari/<int:pk>/da-modello/", views.SurveyFromTemplateView.as_view(), name="survey_from_template"),
    path("questionari/<int:pk>/apri/", views.SurveyOpenView.as_view(), name="survey_open"),
    path("questionari/<int:pk>/chiudi/", views.SurveyCloseView.as_view(), name="survey_close"),
    path("questionari/<int:pk>/anteprima/", views.SurveyPreviewView.as_view(), name="survey_preview"),
    path("questionari/<int:pk>/risultati/", views.SurveyResultsView.as_view(), name="survey_results"),
]
for _reg in registers("workplace"):
    urlpatterns += _reg.urls()
# After the registers, so that ``questionari/nuovo/`` stays the register's page.
urlpatterns += [
    path("questionari/<str:token>/", views.AnswerView.as_view(), name="answer"),
    path("questionari/<str:token>/grazie/", views.ThanksView.as_view(), name="answer_thanks"),
]
