from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("city/", views.city_cockpit, name="city"),
    path("streets/<str:code>/", views.street_cockpit, name="street"),
    path("communities/<str:code>/", views.community_cockpit, name="community"),
    path("communities/<str:code>/evaluation/", views.evaluation_page, name="evaluation"),
    path("communities/<str:code>/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("communities/<str:code>/evaluation.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("communities/<str:code>/evaluation.xlsx", views.evaluation_xlsx, name="evaluation_xlsx"),
]
