from django.urls import path

from . import views
from .views import register

app_name = "people"
urlpatterns = [
    path("<str:code>/residents/", views.resident_list, name="resident_list"),
    path("<str:code>/residents/new/", views.resident_create, name="resident_create"),
    path("<str:code>/residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("<str:code>/residents/register/", register.register_import, name="register_import"),
    path("<str:code>/residents/register/<int:pk>/", register.register_import_detail, name="register_import_detail"),
    path("<str:code>/residents/register/template.xlsx", register.register_template, name="register_template"),
    path("<str:code>/residents/register/export.xlsx", register.register_export, name="register_export"),
]
