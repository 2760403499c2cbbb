from django.urls import path

from shuniu.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.register_list, name="register"),
    path("export.<str:fmt>", views.register_export, name="register_export"),
    path("new/", views.document_new, name="new"),
    path("desk/", views.desk, name="desk"),
    path("instructions/", views.instructions, name="instructions"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("unit/", views.unit_copies, name="unit_copies"),
    path("unit-copies/<int:pk>/receive/", views.unit_copy_receive, name="unit_receive"),
    path("figures/", views.figures, name="figures"),
    path("delegate/", views.delegation_new, name="delegate"),
    path("delegate/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/slip.pdf", views.slip, name="slip"),
    path("<int:pk>/correct/", views.document_correct, name="correct"),
    path("<int:pk>/return/", views.document_return, name="return"),
    path("<int:pk>/reopen/", views.document_reopen, name="reopen"),
    path("<int:pk>/proposal/", views.proposal_edit, name="propose"),
    path("<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("<int:pk>/send-back/", views.proposal_send_back, name="send_back"),
    path("<int:pk>/close/", views.document_close, name="close"),
    path("<int:pk>/archive/", views.document_archive, name="archive"),
    path("readings/<int:pk>/sign/", views.reading_sign, name="sign"),
    path("readings/<int:pk>/paper/", views.reading_paper_sign, name="paper_sign"),
    path("readings/<int:pk>/pin/", views.reading_pin, name="pin"),
    path("copies/<int:pk>/deliver/", views.copy_deliver, name="deliver"),
    path("copies/<int:pk>/collect/", views.copy_collect, name="collect"),
    path("copies/<int:pk>/take-back/", views.copy_take_back, name="take_back"),
]
