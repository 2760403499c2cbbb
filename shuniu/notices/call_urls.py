from django.urls import path

from shuniu.notices import call_views

app_name = "calls"

urlpatterns = [
    path("", call_views.call_list, name="list"),
    path("new/", call_views.call_new, name="new"),
    path("lookup/", call_views.call_lookup, name="lookup"),
    path("figures/", call_views.call_figures, name="figures"),
    path("<int:pk>/", call_views.call_detail, name="detail"),
    path("<int:pk>/handle/", call_views.call_handle, name="handle"),
    path("<int:pk>/called-back/", call_views.call_back, name="called_back"),
]
