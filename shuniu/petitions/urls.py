from django.urls import path

from shuniu.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_new, name="new"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/people/<int:petitioner_pk>/reveal/", views.petitioner_reveal, name="reveal"),
]
