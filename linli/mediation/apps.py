from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "linli.mediation"
    label = "mediation"
    verbose_name = _("Mediation (矛盾调解)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linli.people.erasure import erasure_hook_register

        from .services import cases_anonymise_person

        erasure_hook_register("mediation", cases_anonymise_person)
