from django.urls import path

from concilia.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("fonti-e-crediti/", views.credits, name="credits"),
    path("contatti/", views.contacts, name="contacts"),
    path("favicon.ico", views.favicon, name="favicon"),
]
