from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.my_list, name="my_list"),
    path("sms/", views.my_sms, name="my_sms"),
    path("<int:pk>/", views.my_detail, name="my_detail"),
    path("<int:pk>/files/<int:file_id>/", views.attachment, name="attachment"),
    path("c/<str:code>/", views.staff_list, name="staff_list"),
    path("c/<str:code>/new/", views.compose, name="compose"),
    path("c/<str:code>/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("c/<str:code>/<int:pk>/edit/", views.edit, name="edit"),
    path("c/<str:code>/<int:pk>/publish/", views.publish, name="publish"),
    path("c/<str:code>/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("c/<str:code>/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("c/<str:code>/<int:pk>/unread/", views.unread, name="unread"),
    path("s/<str:code>/", views.street_list, name="street_list"),
    path("s/<str:code>/new/", views.street_compose, name="street_compose"),
    path("s/<str:code>/<int:pk>/", views.street_detail, name="street_detail"),
    path("s/<str:code>/<int:pk>/edit/", views.street_edit, name="street_edit"),
    path("s/<str:code>/<int:pk>/publish/", views.street_publish, name="street_publish"),
    path("s/<str:code>/<int:pk>/schedule/", views.street_schedule, name="street_schedule"),
    path("s/<str:code>/<int:pk>/withdraw/", views.street_withdraw, name="street_withdraw"),
]
