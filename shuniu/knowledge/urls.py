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
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/progress/", views.project_progress, name="progress"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/milestones/<int:mid>/reached/", views.milestone_reach, name="milestone_reach"),
    path("projects/<int:pk>/matters/", views.project_link, name="project_link"),
    path("projects/<int:pk>/matters/<int:matter_pk>/unlink/", views.project_unlink, name="project_unlink"),
]
