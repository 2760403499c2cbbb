from django.urls import path

from shuniu.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile.pdf", views.profile_pdf, name="profile"),
    path("facts.xlsx", views.facts_xlsx, name="xlsx"),
    path("facts/<int:pk>/", views.fact_detail, name="fact"),
    path("facts/<int:pk>/values/", views.statement_add, name="add"),
    path("facts/<int:pk>/values/<int:sid>/supersede/", views.statement_supersede, name="supersede"),
    path("facts/<int:pk>/values/<int:sid>/prefer/", views.statement_prefer, name="prefer"),
]
