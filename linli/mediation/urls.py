from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("<str:code>/", views.index, name="index"),
    path("<str:code>/new/", views.case_new, name="case_new"),
    path("<str:code>/admin/", views.admin_act, name="admin_act"),
    path("<str:code>/statistics/", views.statistics, name="statistics"),
    path("<str:code>/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("<str:code>/cases/<int:pk>/act/", views.case_act, name="case_act"),
]
