from django.urls import path

from . import views
from .views import register

app_name = "people"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("family/", views.family_mine, name="family"),
    path("family/ask-household/", views.family_ask_household, name="family_ask_household"),
    path("family/ask-find/", views.family_ask_find, name="family_ask_find"),
    path("family/<int:pk>/send-code/", views.family_send_code, name="family_send_code"),
    path("family/<int:pk>/confirm-code/", views.family_confirm_code, name="family_confirm_code"),
    path("family/<int:pk>/consent/", views.family_consent, name="family_consent"),
    path("family/<int:pk>/confirm-in-person/", views.family_confirm_in_person, name="family_confirm_in_person"),
    path("family/<int:pk>/end/", views.family_end, name="family_end"),
    path("<str:code>/family-links/", views.family_links, name="family_links"),
    path("<str:code>/residents/", views.resident_list, name="resident_list"),
    path("<str:code>/residents/register/", register.register_import, name="register_import"),
    path("<str:code>/residents/register/<int:pk>/", register.register_import_detail, name="register_import_detail"),
    path("<str:code>/residents/register/template.xlsx", register.register_template, name="register_template"),
    path("<str:code>/residents/register/export/", register.register_export, name="register_export"),
    path(
        "<str:code>/residents/register/export/<int:pk>/", register.register_export_detail, name="register_export_detail"
    ),
    path(
        "<str:code>/residents/register/export/<int:pk>/download/",
        register.register_export_download,
        name="register_export_download",
    ),
    path("<str:code>/residents/new/", views.resident_create, name="resident_create"),
    path("<str:code>/residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<str:code>/residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("<str:code>/residents/<int:pk>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("<str:code>/residents/<int:pk>/move-back/", views.resident_move_back, name="resident_move_back"),
    path("<str:code>/households/", views.building_list, name="building_list"),
    path("<str:code>/households/new/", views.household_create, name="household_create"),
    path("<str:code>/households/<int:pk>/", views.household_detail, name="household_detail"),
    path("<str:code>/households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<str:code>/buildings/<int:pk>/households/", views.building_households, name="building_households"),
    path("<str:code>/data-requests/", views.data_request_queue, name="data_request_queue"),
    path("<str:code>/data-requests/<int:pk>/", views.data_request_detail, name="data_request_detail"),
    path("<str:code>/invitations/", views.invitations, name="invitations"),
    path("<str:code>/invitations/activation/", views.invitation_activation, name="invitation_activation"),
]
