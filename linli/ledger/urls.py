from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.my_points, name="my_points"),
    path("shop/", views.shop, name="shop"),
    path("shop/<int:pk>/order/", views.order_place, name="order_place"),
    path("orders/", views.my_orders, name="my_orders"),
    path("orders/<int:pk>/", views.my_order, name="my_order"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("merchant/apply/", views.merchant_apply, name="merchant_apply"),
    path("merchant/<int:pk>/", views.merchant_home, name="merchant_home"),
    path("merchant/<int:pk>/products/", views.merchant_products, name="merchant_products"),
    path("merchant/<int:pk>/products/new/", views.product_edit, name="product_add"),
    path("merchant/<int:pk>/products/<int:product_id>/", views.product_edit, name="product_edit"),
    path("merchant/<int:pk>/settle/", views.merchant_settle, name="merchant_settle"),
    path("merchant/<int:pk>/settlements/<int:sid>.xlsx", views.settlement_xlsx, name="settlement_xlsx"),
    path("c/<str:code>/", views.books, name="books"),
    path("c/<str:code>/rules/new/", views.earning_rule_new, name="rule_new"),
    path("c/<str:code>/rules/<slug:rule_code>/", views.earning_rule_edit, name="rule_edit"),
    path("c/<str:code>/policy/", views.policy_edit, name="policy_edit"),
    path("c/<str:code>/merchants/<int:pk>/approve/", views.merchant_approve, name="merchant_approve"),
    path("c/<str:code>/merchants/<int:pk>/decline/", views.merchant_decline, name="merchant_decline"),
]
