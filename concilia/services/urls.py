from django.urls import path

from concilia.core.registry import registers
from concilia.services import views

app_name = "services"
urlpatterns = [
    path("cerca/", views.search, name="search"),
    path("pianificatore/", views.planner, name="planner"),
]
for _reg in registers("services"):
    urlpatterns += _reg.urls()
