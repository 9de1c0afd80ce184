from django.urls import path

from . import views

app_name = "waste"
urlpatterns = [
    path("<str:code>/", views.check_round, name="round"),
    path("<str:code>/households/<int:pk>/check/", views.check_record, name="check"),
]
