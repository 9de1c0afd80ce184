from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("streets/<str:code>/", views.street, name="street"),
    path("<str:code>/", views.index, name="index"),
    path("<str:code>/new/", views.partner_new, name="partner_new"),
    path("<str:code>/p/<int:pk>/", views.partner_detail, name="partner"),
    path("<str:code>/p/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("<str:code>/p/<int:pk>/deactivate/", views.partner_deactivate, name="partner_deactivate"),
    path("<str:code>/p/<int:pk>/reactivate/", views.partner_reactivate, name="partner_reactivate"),
    path("<str:code>/pairings/new/", views.pairing_new, name="pairing_new"),
    path("<str:code>/pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("<str:code>/projects/new/", views.project_new, name="project_new"),
    path("<str:code>/projects/<int:pk>/", views.project_detail, name="project"),
    path("<str:code>/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<str:code>/projects/<int:pk>/contribute/", views.contribution_new, name="contribution_new"),
    path(
        "<str:code>/projects/<int:pk>/contributions/<int:contribution_pk>/correct/",
        views.contribution_correct,
        name="contribution_correct",
    ),
    path(
        "<str:code>/projects/<int:pk>/contributions/<int:contribution_pk>/deliver/",
        views.contribution_deliver,
        name="contribution_deliver",
    ),
    path(
        "<str:code>/projects/<int:pk>/contributions/<int:contribution_pk>/withdraw/",
        views.contribution_withdraw,
        name="contribution_withdraw",
    ),
    path("<str:code>/projects/<int:pk>/close/", views.project_close, name="project_close"),
]
