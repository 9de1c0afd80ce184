from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("communities/<str:code>/", views.community_plan, name="community"),
    path("communities/<str:code>/sites/", views.candidate_sites, name="sites"),
    path("streets/<str:code>/", views.street_plan, name="street"),
    path("runs/<int:pk>.xlsx", views.run_export, name="export"),
]
