from django.urls import path

from concilia.core.registry import registers
from concilia.network import views

app_name = "network"
urlpatterns = [
    path("alleanze/<int:pk>/richiedi-adesione/", views.JoinRequestCreateView.as_view(), name="joinrequest_add"),
    path("richieste-adesione/<int:pk>/decidi/", views.JoinRequestDecideView.as_view(), name="joinrequest_decide"),
    path("richieste-adesione/<int:pk>/ritira/", views.JoinRequestWithdrawView.as_view(), name="joinrequest_withdraw"),
    path("reti/<int:pk>/fusione/", views.NetworkMergeView.as_view(), name="network_merge"),
]
for _reg in registers("network"):
    urlpatterns += _reg.urls()
