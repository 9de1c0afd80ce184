from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("elder-mode/", views.elder_mode_toggle, name="elder_mode"),
    path("communities/", views.community_list, name="community_list"),
    path("communities/<str:code>/", views.community_detail, name="community_detail"),
    path("about/data/", views.data_credits, name="data_credits"),
]
