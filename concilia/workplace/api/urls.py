"""Endpoints of the workplace app beside the registers' CRUD routes (mounted at ``/api/workplace/``)."""

from django.urls import URLPattern, URLResolver, path

from concilia.workplace.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("surveys/<int:pk>/results/", views.SurveyResultsEndpoint.as_view(), name="api-survey-results"),
    path("invitations/<int:pk>/personal-links/", views.PersonalLinksEndpoint.as_view(), name="api-personal-links"),
    # The last two carry secrets in the path: the invitation's token, and the personal code.
    path("answer/<str:token>/", views.LinkAnswerEndpoint.as_view(), name="api-survey-answer"),
    path("answer/<str:token>/<str:code>/", views.AnswerEndpoint.as_view(), name="api-survey-answer-personal"),
]
