from django.urls import path

from shuniu.board import views

app_name = "board"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("briefing/", views.briefing, name="briefing"),
    path("briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
]
