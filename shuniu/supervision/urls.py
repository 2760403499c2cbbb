from django.urls import path

from shuniu.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.matter_new, name="new"),
    path("<int:pk>/", views.matter_detail, name="detail"),
    path("<int:pk>/chase/", views.chase_record, name="chase"),
    path("<int:pk>/review/<str:action>/", views.matter_review, name="review"),
    path("<int:pk>/units/<int:assignment_pk>/sign/", views.assignment_sign, name="sign"),
    path("<int:pk>/units/<int:assignment_pk>/object/", views.assignment_object, name="object"),
    path("<int:pk>/units/<int:assignment_pk>/reassign/", views.assignment_reassign, name="reassign"),
    path("<int:pk>/units/<int:assignment_pk>/report/", views.report_submit, name="report"),
]
