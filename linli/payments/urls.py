from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("checkout/<int:product_id>/", views.checkout, name="checkout"),
    path("for/<slug:purpose>/<int:subject_id>/", views.pay_for, name="pay_for"),
    path("p/<str:out_trade_no>/", views.pay, name="pay"),
    path("p/<str:out_trade_no>/check/", views.check, name="check"),
    path("p/<str:out_trade_no>/cancel/", views.cancel, name="cancel"),
    path("gateway/pay/<str:out_trade_no>/", views.gateway_pay, name="gateway_pay"),
    path("notify/<slug:provider>/", views.notify, name="notify"),
    path("balance/", views.balance, name="balance"),
    path("c/<str:code>/counter/", views.counter, name="counter"),
    path("c/<str:code>/counter/topup/", views.counter_topup, name="counter_topup"),
    path("c/<str:code>/stored-value/", views.stored_value_policy, name="stored_value"),
    path("c/<str:code>/cashup/", views.cashup, name="cashup"),
    path("c/<str:code>/reconcile/", views.reconcile, name="reconcile"),
    path("c/<str:code>/reconcile/<int:pk>/", views.reconciliation, name="reconciliation"),
    path("c/<str:code>/statement.csv", views.statement, name="statement"),
]
