from django.urls import path

from . import views

app_name = "company"
urlpatterns = [
    path("streets/<str:code>/settlements/", views.street_settlements, name="street_settlements"),
    path("<str:code>/statement/", views.statement, name="statement"),
    path("<str:code>/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
    path("<str:code>/books/", views.books, name="books"),
    path("<str:code>/books/post/", views.posting_new, name="posting_new"),
    path("<str:code>/books/support/", views.support_new, name="support_new"),
    path("<str:code>/books/close/", views.month_close, name="month_close"),
    path("<str:code>/books/<int:pk>/reverse/", views.posting_reverse, name="posting_reverse"),
    path("<str:code>/settings/", views.company_settings, name="settings"),
    path("<str:code>/settlements/", views.settlements, name="settlements"),
    path("<str:code>/settlements/prepare/", views.settlements_prepare, name="settlements_prepare"),
    path("<str:code>/settlements/<int:pk>/", views.settlement_detail, name="settlement"),
    path("<str:code>/settlements/<int:pk>/confirm/", views.settlement_confirm, name="settlement_confirm"),
    path("<str:code>/settlements/<int:pk>/dispute/", views.settlement_dispute, name="settlement_dispute"),
]
