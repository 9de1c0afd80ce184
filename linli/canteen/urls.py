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
    path("<str:code>/setup/", views.setup, name="setup"),
    path("<str:code>/menus/<int:pk>/edit/", views.menu_edit, name="menu_edit"),
    path("<str:code>/menus/<int:pk>/withdraw/", views.menu_withdraw, name="menu_withdraw"),
    path("<str:code>/canteens/<int:canteen>/rules/new/", views.price_rule_new, name="price_rule_new"),
    path("<str:code>/rules/<int:pk>/retire/", views.price_rule_retire, name="price_rule_retire"),
]
