from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("<str:code>/", views.index, name="index"),
    path("<str:code>/new/", views.case_new, name="case_new"),
    path("<str:code>/team/", views.team_add, name="team_add"),
    path("<str:code>/assign/", views.case_assign, name="case_assign"),
    path("<str:code>/statistics/", views.statistics, name="statistics"),
    path("<str:code>/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("<str:code>/cases/<int:pk>/note/", views.case_note, name="case_note"),
    path("<str:code>/cases/<int:pk>/session/", views.case_session, name="case_session"),
    path("<str:code>/cases/<int:pk>/party/", views.case_party, name="case_party"),
    path("<str:code>/cases/<int:pk>/agreement/", views.case_agreement, name="case_agreement"),
    path("<str:code>/cases/<int:pk>/follow-up/", views.case_follow_up, name="case_follow_up"),
    path("<str:code>/cases/<int:pk>/close/", views.case_close, name="case_close"),
]
