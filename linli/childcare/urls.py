from django.urls import path

from . import views

app_name = "childcare"
urlpatterns = [
    path("<str:code>/", views.groups, name="groups"),
    path("<str:code>/groups/<int:pk>/apply/", views.apply, name="apply"),
    path("<str:code>/applications/", views.applications, name="applications"),
    path("<str:code>/applications/<int:pk>/admit/", views.admit, name="admit"),
    path("<str:code>/applications/<int:pk>/decline/", views.decline, name="decline"),
    path("<str:code>/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/setup/", views.setup, name="setup"),
    path("<str:code>/setup/groups/new/", views.group_new, name="group_new"),
    path("<str:code>/setup/groups/<int:pk>/", views.group_edit, name="group_edit"),
]
