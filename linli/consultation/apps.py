from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "linli.consultation"
    label = "consultation"
    verbose_name = _("Consultation (民情圆桌会)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linli.ledger.reasons import describer_register

        from .selectors import earnings_described

        describer_register("consultation", earnings_described)
