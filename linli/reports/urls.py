from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("mine/", views.my_reports, name="mine"),
    path("<str:code>/new/", views.report_new, name="new"),
    path("<str:code>/nearby/", views.nearby, name="nearby"),
    path("<str:code>/queue/", views.queue, name="queue"),
    path("<str:code>/map/", views.report_map, name="map"),
    path("<str:code>/sla/", views.sla, name="sla"),
    path("<str:code>/keys/", views.api_keys, name="keys"),
    path("<str:code>/<int:pk>/", views.report_detail, name="detail"),
    path("<str:code>/<int:pk>/act/", views.report_act, name="act"),
    path("<str:code>/<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
]
