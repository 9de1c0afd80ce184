from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"

    def ready(self) -> None:
        from .nul import install

        connection_created.connect(install, dispatch_uid="linli.core.nul")
