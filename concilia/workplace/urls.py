from django.urls import URLPattern, URLResolver

from concilia.core.registry import registers

app_name = "workplace"
urlpatterns: list[URLPattern | URLResolver] = []
for _reg in registers("workplace"):
    urlpatterns += _reg.urls()
