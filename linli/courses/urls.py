from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("<str:code>/", views.course_list, name="list"),
    path("<str:code>/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<str:code>/enrolments/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:code>/attendance/", views.day, name="day"),
    path("<str:code>/sessions/<int:pk>/check-in/<int:enrolment_pk>/", views.check_in, name="check_in"),
]
