from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "linli.planning"
    label = "planning"

    def ready(self) -> None:
        from linli.facilities.walking import walking_distances_register

        from .walking import walking_distances

        walking_distances_register(walking_distances)
