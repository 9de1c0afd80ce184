from django.urls import path

from . import views

app_name = "canteen"
urlpatterns = [
    path("<str:code>/", views.menus, name="menus"),
    path("<str:code>/menus/new/", views.menu_new, name="menu_new"),
    path("<str:code>/menus/<int:pk>/order/", views.order, name="order"),
    path("<str:code>/orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("<str:code>/orders/<int:pk>/serve/", views.serve, name="serve"),
    path("<str:code>/counter/", views.day, name="day"),
    path("<str:code>/statement/", views.statement, name="statement"),
]
