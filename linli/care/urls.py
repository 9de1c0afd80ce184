from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("<str:code>/", views.work_list, name="work_list"),
    path("<str:code>/cadences/", views.cadences, name="cadences"),
    path("<str:code>/cadences/<str:pk>/remove/", views.cadence_remove, name="cadence_remove"),
    path("<str:code>/referrals/", views.referrals, name="referrals"),
    path("<str:code>/referrals/<int:pk>/close/", views.referral_close, name="referral_close"),
    path("<str:code>/round/", views.visit_round, name="round"),
    path("<str:code>/residents/<int:pk>/", views.resident_history, name="resident"),
    path("<str:code>/residents/<int:pk>/visit/", views.visit_new, name="visit_new"),
    path("<str:code>/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("<str:code>/visits/<int:pk>/report/", views.visit_report, name="visit_report"),
    path("<str:code>/visits/<int:pk>/refer/", views.visit_refer, name="visit_refer"),
]
