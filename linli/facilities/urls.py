from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("", views.start, name="start"),
    path("my/", views.mine, name="mine"),
    path("<str:code>/", views.browse, name="browse"),
    path("<str:code>/facilities/<int:pk>/", views.detail, name="detail"),
    path("<str:code>/slots/<int:pk>/book/", views.book, name="book"),
    path("<str:code>/bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("<str:code>/bookings/<int:pk>/<str:action>/", views.booking_desk, name="booking_desk"),
    path("<str:code>/day/", views.day_sheet, name="day_sheet"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/manage/register.<str:fmt>", views.register_export, name="export"),
    path("<str:code>/manage/new/", views.facility_edit, name="facility_new"),
    path("<str:code>/manage/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("<str:code>/manage/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<str:code>/manage/<int:facility_pk>/services/new/", views.service_edit, name="service_new"),
    path("<str:code>/manage/<int:facility_pk>/services/<int:pk>/", views.service_edit, name="service_edit"),
    path("<str:code>/manage/services/<int:pk>/slots/", views.slots_new, name="slots_new"),
    path("<str:code>/manage/categories/", views.categories, name="categories"),
    path("<str:code>/manage/categories/<slug:cat>/", views.category_edit, name="category_edit"),
    path("<str:code>/manage/categories/<slug:cat>/retire/", views.category_retire, name="category_retire"),
    path("<str:code>/manage/categories/<slug:cat>/restore/", views.category_restore, name="category_restore"),
    path("<str:code>/manage/services/<int:pk>/prices/", views.price_rules, name="price_rules"),
    path(
        "<str:code>/manage/services/<int:pk>/prices/<int:rule_pk>/remove/",
        views.price_rule_remove,
        name="price_rule_remove",
    ),
    path("<str:code>/slots/<int:pk>/cancel/", views.slot_cancel, name="slot_cancel"),
    path("<str:code>/manage/<int:pk>/operators/", views.facility_operators, name="facility_operators"),
    path("<str:code>/my-spaces/", views.my_spaces, name="my_spaces"),
]
