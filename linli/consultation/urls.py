from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("<str:code>/", views.home, name="home"),
    path("<str:code>/matters/new/", views.matter_new, name="matter_new"),
    path("<str:code>/matters/from-report/", views.matter_lift, name="matter_lift"),
    path("<str:code>/matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("<str:code>/matters/<int:pk>/support/", views.matter_support, name="matter_support"),
    path("<str:code>/matters/<int:pk>/withdraw/", views.matter_support_withdraw, name="matter_support_withdraw"),
    path("<str:code>/matters/<int:pk>/follow/", views.matter_follow, name="matter_follow"),
    path("<str:code>/matters/<int:pk>/unfollow/", views.matter_unfollow, name="matter_unfollow"),
    path("<str:code>/matters/<int:pk>/agenda/", views.matter_put_on_agenda, name="matter_put_on_agenda"),
    path("<str:code>/matters/<int:pk>/rate/", views.matter_rate, name="matter_rate"),
    path("<str:code>/matters/<int:pk>/answer/", views.matter_answer, name="matter_answer"),
    path("<str:code>/matters/<int:pk>/decide/", views.matter_decide, name="matter_decide"),
    path("<str:code>/matters/<int:pk>/tasks/new/", views.matter_task_create, name="matter_task_create"),
    path("<str:code>/matters/<int:pk>/tasks/update/", views.matter_task_update, name="matter_task_update"),
    path("<str:code>/meetings/", views.meeting_list, name="meeting_list"),
    path("<str:code>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<str:code>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<str:code>/meetings/<int:pk>/register/", views.meeting_register, name="meeting_register"),
    path("<str:code>/meetings/<int:pk>/unregister/", views.meeting_unregister, name="meeting_unregister"),
    path("<str:code>/meetings/<int:pk>/agenda/", views.meeting_add_matter, name="meeting_add_matter"),
    path("<str:code>/meetings/<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("<str:code>/meetings/<int:pk>/minutes/", views.meeting_record_minutes, name="meeting_record_minutes"),
    path("<str:code>/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<str:code>/tasks/", views.task_board, name="task_board"),
    path("<str:code>/votes/", views.vote_list, name="vote_list"),
    path("<str:code>/votes/new/", views.vote_new, name="vote_new"),
    path("<str:code>/votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("<str:code>/votes/<int:pk>/ballot/", views.vote_cast, name="vote_cast"),
    path("<str:code>/votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("<str:code>/settings/", views.settings_edit, name="settings"),
    path("<str:code>/export.csv", views.export_csv, name="export"),
]
