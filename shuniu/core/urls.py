from django.urls import path

from shuniu.core import views

app_name = "core"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/begin/", views.second_factor_begin, name="second_factor_begin"),
    path("second-factor/confirm/", views.second_factor_confirm, name="second_factor_confirm"),
    path("second-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("second-factor/disable/", views.second_factor_disable, name="second_factor_disable"),
    path("password/", views.password_change, name="password_change"),
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("directory/", views.directory, name="directory"),
    path("directory/export/", views.directory_download, name="directory_export"),
    path("directory/import/", views.directory_upload, name="directory_import"),
]
