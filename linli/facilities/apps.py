from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "linli.facilities"
    label = "facilities"
