from django.urls import path

from . import views

app_name = "company"
urlpatterns = [
    path("<str:code>/statement/", views.statement, name="statement"),
    path("<str:code>/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
]
