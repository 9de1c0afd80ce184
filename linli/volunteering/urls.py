from django.urls import path

from . import views

app_name = "volunteering"
urlpatterns = [
    path("", views.home, name="home"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/signup/", views.signup, name="signup"),
    path("activities/<int:pk>/cancel/", views.signup_cancel, name="cancel"),
    path("activities/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("activities/<int:pk>/run/", views.run, name="run"),
    path("activities/<int:pk>/sign-up-others/", views.signups, name="signups"),
    path("activities/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("activities/<int:pk>/confirm-all/", views.confirm_all, name="confirm_all"),
    path("records/<int:pk>/confirm/", views.record_confirm, name="confirm"),
    path("records/<int:pk>/reject/", views.record_reject, name="reject"),
    path("my/", views.my_hours, name="my_hours"),
    path("my/certificate/<int:year>.pdf", views.certificate, name="certificate"),
    path("verify/<str:serial>/", views.verify, name="verify"),
    path("clubs/<int:pk>/join/", views.club_join, name="club_join"),
    # a community's teams, activities to organise and clubs
    path("c/<str:code>/teams/", views.teams, name="teams"),
    path("c/<str:code>/teams/new/", views.team_new, name="team_new"),
    path("c/<str:code>/teams/<int:pk>/", views.team_detail, name="team"),
    path("c/<str:code>/teams/<int:pk>/join/", views.team_join, name="team_join"),
    path("c/<str:code>/activities/", views.organised, name="organised"),
    path("c/<str:code>/activities/new/", views.activity_new, name="activity_new"),
    path("c/<str:code>/activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("c/<str:code>/activity-types/", views.activity_types, name="types"),
    path("c/<str:code>/activity-types/new/", views.activity_type_edit, name="type_new"),
    path("c/<str:code>/activity-types/<int:pk>/", views.activity_type_edit, name="type_edit"),
    path("c/<str:code>/activity-types/<int:pk>/retire/", views.activity_type_retire, name="type_retire"),
    path("c/<str:code>/activity-types/<int:pk>/restore/", views.activity_type_restore, name="type_restore"),
    path("c/<str:code>/clubs/", views.clubs, name="clubs"),
    path("c/<str:code>/clubs/new/", views.club_new, name="club_new"),
    path("c/<str:code>/clubs/<int:pk>/", views.club_detail, name="club"),
    path("c/<str:code>/clubs/<int:pk>/book/", views.club_book, name="club_book"),
    path("c/<str:code>/clubs/<int:pk>/members/<int:member>/leave/", views.club_leave, name="club_leave"),
    path("c/<str:code>/clubs/<int:pk>/members/<int:member>/leader/", views.club_leader, name="club_leader"),
]
