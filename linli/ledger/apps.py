from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "linli.ledger"
    label = "ledger"
    verbose_name = _("Points and money")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A new community gets its funding sources' accounts at once, so that its books list them (and the
        # ids deposits go to) without a read ever opening one. The ledger sits above places, so it listens.
        from linli.places.deleting import place_clearer_register
        from linli.places.models import Community

        from .receivers import community_created, unused_accounts_clear

        post_save.connect(community_created, sender=Community, dispatch_uid="ledger.community_created")
        place_clearer_register("ledger", unused_accounts_clear)
