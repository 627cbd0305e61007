from concilia.core.registry import registers

app_name = "territory"
urlpatterns = []
for _reg in registers("territory"):
    urlpatterns += _reg.urls()
