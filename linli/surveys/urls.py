from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.my_list, name="my_list"),
    path("<int:pk>/", views.answer, name="answer"),
    path("c/<str:code>/", views.staff_list, name="staff_list"),
    path("c/<str:code>/new/", views.compose, name="compose"),
    path("c/<str:code>/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("c/<str:code>/<int:pk>/edit/", views.edit, name="edit"),
    path("c/<str:code>/<int:pk>/act/", views.act, name="act"),
    path("c/<str:code>/<int:pk>/questions/", views.question_add, name="question_add"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/", views.question_act, name="question_act"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/edit/", views.question_edit, name="question_edit"),
    path("c/<str:code>/<int:pk>/results/", views.results, name="results"),
    path("c/<str:code>/<int:pk>/results.xlsx", views.export, name="export"),
]
