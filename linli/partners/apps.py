from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "linli.partners"
    label = "partners"
