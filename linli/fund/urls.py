from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [path("<str:code>/", views.public, name="public")]
