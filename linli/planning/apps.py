from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "linli.planning"
    label = "planning"
