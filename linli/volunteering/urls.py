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
    path("records/<int:pk>/confirm/", views.record_confirm, name="confirm"),
    path("my/", views.my_hours, name="my_hours"),
    path("my/certificate/<int:year>.pdf", views.certificate, name="certificate"),
    path("verify/<str:serial>/", views.verify, name="verify"),
    path("clubs/<int:pk>/join/", views.club_join, name="club_join"),
]
