"""Endpoints of the workplace app beside the registers' CRUD routes (mounted at ``/api/workplace/``)."""

from django.urls import URLPattern, URLResolver, path

from concilia.workplace.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("surveys/<int:pk>/results/", views.SurveyResultsEndpoint.as_view(), name="api-survey-results"),
    path("answer/<str:token>/", views.AnswerEndpoint.as_view(), name="api-survey-answer"),
]
