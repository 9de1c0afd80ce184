from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "linli.childcare"
    label = "childcare"
