from django.urls import path

from shuniu.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_new, name="new"),
    path("enquiry/", views.enquiry, name="enquiry"),
    path("new/drafts/<int:pk>/remove/", views.draft_remove, name="draft_remove"),
    path("figures/", views.petition_figures, name="figures"),
    path("<int:pk>/form.pdf", views.petition_form_pdf, name="form"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/people/<int:petitioner_pk>/reveal/", views.petitioner_reveal, name="reveal"),
    path("<int:pk>/decide/", views.petition_decide, name="decide"),
    path("<int:pk>/assign/", views.petition_assign, name="assign"),
    path("<int:pk>/reply/", views.petition_reply, name="reply"),
    path("<int:pk>/close/", views.petition_close, name="close"),
    path("<int:pk>/object/", views.petition_object, name="object"),
    path("<int:pk>/extend/", views.petition_extend, name="extend"),
    path("<int:pk>/complete/", views.petitioner_complete, name="complete"),
    path("<int:pk>/review/", views.petition_review, name="review"),
    path("<int:pk>/review/answer/", views.petition_review_answer, name="review_answer"),
    path("<int:pk>/hearing/", views.petition_hearing, name="hearing"),
    path("<int:pk>/lead/", views.petition_lead, name="lead"),
    path("<int:pk>/ask/", views.petition_ask_leader, name="ask"),
    path("<int:pk>/instructions/<int:instruction_pk>/", views.petition_instruct, name="instruct"),
    path("<int:pk>/flags/", views.petition_flag, name="flag"),
    path("<int:pk>/contacts/", views.petition_contact, name="contact"),
    path("<int:pk>/recuse/", views.petition_recuse, name="recuse"),
    path("<int:pk>/notice.pdf", views.petition_notice, name="notice"),
    path("<int:pk>/materials/<int:attachment_pk>/", views.petition_material, name="material"),
    path("<int:pk>/replies/<int:reply_pk>/attachments/<int:attachment_pk>/", views.reply_attachment, name="attachment"),
]
