from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HomeConfig(AppConfig):
    name = "linli.home"
    label = "home"

    def ready(self) -> None:
        from linli.accounts.models import RoleAssignment
        from linli.people.models import Resident
        from linli.places.models import Community, Street

        from .context_processors import header_data_changed

        for model in (RoleAssignment, Street, Community, Resident):  # what the header's links and menu are made of
            for signal in (post_save, post_delete):
                signal.connect(header_data_changed, sender=model, dispatch_uid=f"home.header.{model.__name__}")
