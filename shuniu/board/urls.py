from django.urls import path

from shuniu.board import views

app_name = "board"

urlpatterns = [
    path("", views.workbench, name="workbench"),
]
