from django.urls import URLPattern, URLResolver

from concilia.core.registry import registers

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = []
for _reg in registers("registry"):
    urlpatterns += _reg.urls()
