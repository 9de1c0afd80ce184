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
    path("c/<str:code>/<int:pk>/publish/", views.survey_publish, name="publish"),
    path("c/<str:code>/<int:pk>/close/", views.survey_close, name="close"),
    path("c/<str:code>/<int:pk>/attach/", views.survey_attach, name="attach"),
    path("c/<str:code>/<int:pk>/questions/", views.question_add, name="question_add"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/remove/", views.question_remove, name="question_remove"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/up/", views.question_up, name="question_up"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/down/", views.question_down, name="question_down"),
    path("c/<str:code>/<int:pk>/questions/<int:qid>/edit/", views.question_edit, name="question_edit"),
    path("c/<str:code>/<int:pk>/results/", views.results, name="results"),
    path("c/<str:code>/<int:pk>/results.xlsx", views.export, name="export"),
]
