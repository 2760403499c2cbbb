from django.urls import path

from shuniu.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/progress/", views.notice_progress, name="progress"),
    path("<int:pk>/change/", views.notice_change, name="change"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    path("<int:pk>/sheet.pdf", views.notice_sheet_pdf, name="sheet_pdf"),
    path("<int:pk>/sheet.xlsx", views.notice_sheet_xlsx, name="sheet_xlsx"),
    path("<int:pk>/units/<int:rid>/hold/", views.recipient_hold, name="hold"),
    path("<int:pk>/units/<int:rid>/", views.recipient_call, name="call"),
    path("<int:pk>/units/<int:rid>/confirm/", views.recipient_confirm, name="confirm"),
]
