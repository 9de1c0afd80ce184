from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "linli.cockpit"
    label = "cockpit"
