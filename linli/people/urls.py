from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("family/", views.family_mine, name="family"),
    path("family/<int:pk>/send-code/", views.family_send_code, name="family_send_code"),
    path("family/<int:pk>/confirm-code/", views.family_confirm_code, name="family_confirm_code"),
    path("family/<int:pk>/consent/", views.family_consent, name="family_consent"),
    path("family/<int:pk>/confirm-in-person/", views.family_confirm_in_person, name="family_confirm_in_person"),
    path("family/<int:pk>/end/", views.family_end, name="family_end"),
    path("<str:code>/family-links/", views.family_links, name="family_links"),
    path("<str:code>/residents/", views.resident_list, name="resident_list"),
    path("<str:code>/residents/new/", views.resident_create, name="resident_create"),
    path("<str:code>/residents/<int:pk>/", views.resident_detail, name="resident_detail"),
]
