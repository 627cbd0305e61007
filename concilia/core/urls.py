from django.urls import URLPattern, URLResolver

from concilia.core.registry import registers

app_name = "core"
urlpatterns: list[URLPattern | URLResolver] = []
for _reg in registers("core"):
    urlpatterns += _reg.urls()
