from django.apps import AppConfig


class FundConfig(AppConfig):
    name = "linli.fund"
    label = "fund"
