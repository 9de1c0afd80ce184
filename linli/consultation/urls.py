from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("<str:code>/", views.home, name="home"),
    path("<str:code>/matters/new/", views.matter_new, name="matter_new"),
    path("<str:code>/matters/from-report/", views.matter_lift, name="matter_lift"),
    path("<str:code>/matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("<str:code>/matters/<int:pk>/act/", views.matter_act, name="matter_act"),
    path("<str:code>/meetings/", views.meeting_list, name="meeting_list"),
    path("<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:code>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<str:code>/meetings/<int:pk>/act/", views.meeting_act, name="meeting_act"),
    path("<str:code>/tasks/", views.task_board, name="task_board"),
    path("<str:code>/votes/", views.vote_list, name="vote_list"),
    path("<str:code>/votes/new/", views.vote_new, name="vote_new"),
    path("<str:code>/votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("<str:code>/settings/", views.settings_edit, name="settings"),
    path("<str:code>/export.csv", views.export_csv, name="export"),
]
