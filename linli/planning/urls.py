from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("communities/<str:code>/", views.community_plan, name="community"),
    path("communities/<str:code>/sites/", views.candidate_sites, name="sites"),
    path("communities/<str:code>/sites/<int:pk>/withdraw/", views.candidate_site_withdraw, name="site_withdraw"),
    path("streets/<str:code>/", views.street_plan, name="street"),
    path("runs/<int:pk>.xlsx", views.run_export, name="export"),
    path("cities/", views.city_list, name="cities"),
    path("cities/<str:city>/", views.city_plan, name="city"),
    path("city-runs/<int:pk>/resume/", views.city_run_resume, name="city_resume"),
    path("city-runs/<int:pk>/hubs/", views.city_run_hubs, name="city_hubs"),
    path("city-runs/<int:pk>.xlsx", views.city_run_export, name="city_export"),
]
