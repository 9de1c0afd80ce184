from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "linli.canteen"
    label = "canteen"
