from django.urls import path

from . import views

app_name = "childcare"
urlpatterns = [
    path("<str:code>/", views.groups, name="groups"),
    path("<str:code>/groups/<int:pk>/apply/", views.apply, name="apply"),
    path("<str:code>/applications/", views.applications, name="applications"),
    path("<str:code>/applications/<int:pk>/decide/", views.decide, name="decide"),
]
