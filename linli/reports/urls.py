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
    path("<str:code>/keys/<str:pk>/revoke/", views.api_key_revoke, name="key_revoke"),
    path("<str:code>/categories/", views.categories, name="categories"),
    path("<str:code>/categories/new/", views.category_new, name="category_new"),
    path("<str:code>/categories/<int:pk>/", views.category_edit, name="category"),
    path("<str:code>/categories/<int:pk>/retire/", views.category_retire, name="category_retire"),
    path("<str:code>/categories/<int:pk>/restore/", views.category_restore, name="category_restore"),
    path("<str:code>/categories/<int:pk>/questions/new/", views.attribute_edit, name="attribute_new"),
    path("<str:code>/categories/<int:pk>/questions/<int:attribute_pk>/", views.attribute_edit, name="attribute"),
    path(
        "<str:code>/categories/<int:pk>/questions/<int:attribute_pk>/remove/",
        views.attribute_remove,
        name="attribute_remove",
    ),
    path("<str:code>/<int:pk>/", views.report_detail, name="detail"),
    path("<str:code>/<int:pk>/accept/", views.report_accept, name="accept"),
    path("<str:code>/<int:pk>/start/", views.report_start, name="start"),
    path("<str:code>/<int:pk>/resolve/", views.report_resolve, name="resolve"),
    path("<str:code>/<int:pk>/reject/", views.report_reject, name="reject"),
    path("<str:code>/<int:pk>/duplicate/", views.report_duplicate, name="duplicate"),
    path("<str:code>/<int:pk>/note/", views.report_note, name="note"),
    path("<str:code>/<int:pk>/assign/", views.report_assign, name="assign"),
    path("<str:code>/<int:pk>/support/", views.report_support, name="support"),
    path("<str:code>/<int:pk>/reopen/", views.report_reopen, name="reopen"),
    path("<str:code>/<int:pk>/rate/", views.report_rate, name="rate"),
    path("<str:code>/<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
]
