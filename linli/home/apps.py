from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "linli.home"
    label = "home"
