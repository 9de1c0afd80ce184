from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("<str:code>/", views.course_list, name="list"),
    path("<str:code>/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<str:code>/enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/attendance/", views.day, name="day"),
    path("<str:code>/sessions/<int:pk>/check-in/<int:enrolment_pk>/", views.check_in, name="check_in"),
    path("<str:code>/setup/", views.setup, name="setup"),
    path("<str:code>/terms/new/", views.term_edit, name="term_new"),
    path("<str:code>/terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("<str:code>/new/", views.course_edit, name="course_new"),
    path("<str:code>/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<str:code>/<int:pk>/sessions/", views.course_sessions, name="sessions"),
    path("<str:code>/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("<str:code>/<int:pk>/share/", views.course_share, name="share"),
]
