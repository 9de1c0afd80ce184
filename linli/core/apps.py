from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"

    def ready(self) -> None:
        from . import uploads  # noqa: F401  (caps the pixels Pillow will decode, for every image the site opens)
        from .nul import install

        connection_created.connect(install, dispatch_uid="linli.core.nul")
