from django.apps import AppConfig


class CompanyConfig(AppConfig):
    name = "linli.company"
    label = "company"
