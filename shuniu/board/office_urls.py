"""The office board (/board/) and its wall display (/board/wall/)."""

from django.urls import path

from shuniu.board import views

app_name = "office"

urlpatterns = [
    path("", views.office_board, name="board"),
    path("wall/", views.office_wall, name="wall"),
]
