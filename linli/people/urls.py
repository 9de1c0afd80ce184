from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("<str:code>/residents/", views.resident_list, name="resident_list"),
    path("<str:code>/residents/new/", views.resident_create, name="resident_create"),
    path("<str:code>/residents/<int:pk>/", views.resident_detail, name="resident_detail"),
]
