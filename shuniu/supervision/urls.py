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
    path("<int:pk>/units/<int:assignment_pk>/extend/", views.extension_request, name="extend"),
    path("<int:pk>/units/<int:assignment_pk>/notice.pdf", views.notice_pdf, name="notice"),
    path("<int:pk>/extensions/<int:extension_pk>/<str:verdict>/", views.extension_decide, name="decide"),
    path("<int:pk>/escalate/", views.escalation_issue, name="escalate"),
    path("<int:pk>/escalations/<int:escalation_pk>.pdf", views.escalation_pdf, name="escalation"),
    path("<int:pk>/comment/", views.comment_add, name="comment"),
    path("<int:pk>/feedback.pdf", views.feedback_pdf, name="feedback"),
    path(
        "<int:pk>/reports/<int:report_pk>/attachments/<int:attachment_pk>/", views.report_attachment, name="attachment"
    ),
    path("figures/", views.figures, name="figures"),
    path("bulletin.<str:fmt>", views.bulletin, name="bulletin"),  # .pdf or .xlsx
]
