from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("streets/", views.street_list, name="street_list"),
    path("streets/new/", views.street_create, name="street_create"),
    path("streets/<str:code>/", views.street_detail, name="street_detail"),
    path("streets/<str:code>/edit/", views.street_edit, name="street_edit"),
    path("streets/<str:code>/admins/", views.street_admin_add, name="street_admin_add"),
    path("streets/<str:code>/admins/<str:pk>/revoke/", views.street_admin_revoke, name="street_admin_revoke"),
    path("streets/<str:code>/communities/new/", views.community_create, name="community_create"),
    path("communities/<str:code>/", views.community_setup, name="community_setup"),
    path("communities/<str:code>/edit/", views.community_edit, name="community_edit"),
    path("communities/<str:code>/neighbourhoods/new/", views.neighbourhood_create, name="neighbourhood_create"),
    path("communities/<str:code>/neighbourhoods/<str:pk>/", views.neighbourhood_edit, name="neighbourhood_edit"),
    path("communities/<str:code>/buildings/new/", views.building_create, name="building_create"),
    path("communities/<str:code>/buildings/import-osm/", views.buildings_import_osm, name="buildings_import_osm"),
    path("communities/<str:code>/buildings/import-excel/", views.buildings_import_excel, name="buildings_import_excel"),
    path("communities/<str:code>/buildings/assign/", views.buildings_assign, name="buildings_assign"),
    path("communities/<str:code>/buildings/<str:pk>/", views.building_edit, name="building_edit"),
    path("communities/<str:code>/grids/new/", views.grid_create, name="grid_create"),
    path("communities/<str:code>/grids/<str:grid_code>/", views.grid_edit, name="grid_edit"),
    path("communities/<str:code>/staff/new/", views.staff_add, name="staff_add"),
    path("communities/<str:code>/staff/<str:pk>/revoke/", views.staff_revoke, name="staff_revoke"),
    path("streets/<str:code>/delete/", views.street_delete, name="street_delete"),
    path("communities/<str:code>/delete/", views.community_delete, name="community_delete"),
    path("communities/<str:code>/buildings/<str:pk>/delete/", views.building_delete, name="building_delete"),
    path("communities/<str:code>/grids/<str:grid_code>/delete/", views.grid_delete, name="grid_delete"),
]
