from django.urls import URLPattern, URLResolver, path

from concilia.core.registry import registers
from concilia.core.throttling import throttle
from concilia.workplace import views

app_name = "workplace"
urlpatterns: list[URLPattern | URLResolver] = [
    path("misure/", views.MeasuresView.as_view(), name="measures"),
    path("questionari/<int:pk>/da-modello/", views.SurveyFromTemplateView.as_view(), name="survey_from_template"),
    path("questionari/<int:pk>/apri/", views.SurveyOpenView.as_view(), name="survey_open"),
    path("questionari/<int:pk>/chiudi/", views.SurveyCloseView.as_view(), name="survey_close"),
    path("questionari/<int:pk>/anteprima/", views.SurveyPreviewView.as_view(), name="survey_preview"),
    path("questionari/<int:pk>/risultati/", views.SurveyResultsView.as_view(), name="survey_results"),
    path("inviti/<int:pk>/link-personali/", views.InvitationCodesView.as_view(), name="invitation_codes"),
]
for _reg in registers("workplace"):
    urlpatterns += _reg.urls()
# After the registers, so that ``questionari/nuovo/`` stays the register's page. The last two carry
# secrets in the path: the invitation's token, and the personal code. Trying codes is throttled by
# address ("survey": generous, as a whole office may answer from behind one address).
urlpatterns += [
    path("questionari/<str:token>/", throttle("survey")(views.AnswerView.as_view()), name="answer"),
    path("questionari/<str:token>/grazie/", views.ThanksView.as_view(), name="answer_thanks"),
    path(
        "questionari/<str:token>/<str:code>/",
        throttle("survey", methods=("GET", "POST"))(views.PersonalAnswerView.as_view()),
        name="answer_personal",
    ),
]
