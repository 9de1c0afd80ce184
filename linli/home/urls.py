from django.urls import path, re_path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("workbench/", views.workbench, name="workbench"),
    path("elder-mode/", views.elder_mode_toggle, name="elder_mode"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<str:code>/", views.community_detail, name="community_detail"),
    # Under accounts/ where it always was; it lives here because it shows the resident record as well.
    path("accounts/me/", views.profile, name="profile"),
    path("accounts/me/data/", views.my_data, name="my_data"),
    re_path(r"^accounts/me/data/download\.(?P<fmt>xlsx|json)$", views.my_data_download, name="my_data_download"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("about/data/", views.data_credits, name="data_credits"),
]
