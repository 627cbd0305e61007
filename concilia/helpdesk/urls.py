from django.urls import URLPattern, URLResolver

from concilia.core.registry import registers

app_name = "helpdesk"
urlpatterns: list[URLPattern | URLResolver] = []
for _reg in registers("helpdesk"):
    urlpatterns += _reg.urls()
