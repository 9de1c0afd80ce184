from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("<str:code>/residents/", views.resident_list, name="resident_list"),
    path("<str:code>/residents/new/", views.resident_create, name="resident_create"),
    path("<str:code>/residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<str:code>/invitations/", views.invitations, name="invitations"),
    path("<str:code>/invitations/activation/", views.invitation_activation, name="invitation_activation"),
]
