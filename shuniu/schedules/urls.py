from django.urls import path

from shuniu.schedules import views

app_name = "schedules"

urlpatterns = [
    path("", views.weekly_plan, name="weekly_plan"),
    path("week/publish/", views.weekly_plan_publish, name="weekly_plan_publish"),
    path("week/publish/confirm/", views.weekly_plan_publish_confirm, name="weekly_plan_publish_confirm"),
    path("week/export.<str:fmt>", views.weekly_plan_export, name="weekly_plan_export"),
    path("mine/", views.my_schedule, name="mine"),
    path("leader/<int:pk>/", views.leader_schedule, name="leader"),
    path("leader/<int:pk>/feed/", views.feed_token_new, name="feed_token_new"),
    path("feed-token/<int:pk>/revoke/", views.feed_token_revoke, name="feed_token_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("engagements/new/", views.engagement_new, name="engagement_new"),
    path("engagements/import/", views.engagement_import, name="engagement_import"),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path("engagements/<int:pk>/delete/", views.engagement_delete, name="engagement_delete"),
    path("keywork/", views.key_work_list, name="key_work_list"),
    path("keywork/new/", views.key_work_new, name="key_work_new"),
    path("keywork/<int:pk>/", views.key_work_detail, name="key_work"),
    path("keywork/<int:pk>/edit/", views.key_work_edit, name="key_work_edit"),
    path("keywork/<int:pk>/complete/", views.key_work_complete, name="key_work_complete"),
    path("check/<int:pk>/set/", views.check_item_set, name="check_item_set"),
    path("day/", views.day_view, name="day"),
]
