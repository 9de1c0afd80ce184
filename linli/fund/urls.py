from django.urls import path

from . import views

app_name = "fund"
urlpatterns = [
    path("<str:code>/", views.public, name="public"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/donations/new/", views.donation_new, name="donation_new"),
    path("<str:code>/donations/<int:pk>/", views.donation_detail, name="donation"),
    path("<str:code>/donations/<int:pk>/receipt.pdf", views.donation_pdf, name="donation_pdf"),
    path("<str:code>/contributions/<int:pk>/receive/", views.contribution_receive, name="contribution_receive"),
    path("<str:code>/rounds/", views.rounds_open, name="rounds_open"),
    path("<str:code>/rounds/new/", views.round_new, name="round_new"),
    path("<str:code>/rounds/<int:pk>/", views.round_detail, name="round"),
    path("<str:code>/rounds/<int:pk>/start-review/", views.round_start_review, name="round_start_review"),
    path("<str:code>/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("<str:code>/rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("<str:code>/rounds/<int:pk>/apply/", views.application_new, name="apply"),
    path("<str:code>/applications/mine/", views.mine, name="mine"),
    path("<str:code>/applications/<int:pk>/", views.application_detail, name="application"),
    path("<str:code>/applications/<int:pk>/score/", views.application_score, name="application_score"),
    path("<str:code>/applications/<int:pk>/conflict/", views.application_conflict, name="application_conflict"),
    path("<str:code>/applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("<str:code>/applications/<int:pk>/pay/", views.application_pay, name="application_pay"),
    path("<str:code>/applications/<int:pk>/report/", views.application_report, name="application_report"),
    path("<str:code>/review/", views.to_review, name="review"),
]
