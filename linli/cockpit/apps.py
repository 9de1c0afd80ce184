from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CockpitConfig(AppConfig):
    name = "linli.cockpit"
    label = "cockpit"

    def ready(self) -> None:
        from linli.places.models import Community, Street

        from .models import Snapshot
        from .screens import screens_changed

        for model in (Snapshot, Community, Street):  # what the screens show, besides the map (kept on its own)
            for signal in (post_save, post_delete):
                signal.connect(screens_changed, sender=model, dispatch_uid=f"cockpit.screens.{model.__name__}")
