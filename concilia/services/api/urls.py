from django.urls import path

from concilia.services.api import views

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="api-services-search"),
    path("plan/", views.PlanView.as_view(), name="api-services-plan"),
]
