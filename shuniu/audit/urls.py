from django.urls import path

from shuniu.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entries, name="entries"),
    path("verify/", views.chain_verify, name="verify"),
    path("checkpoints.txt", views.checkpoints_export, name="checkpoints"),
]
