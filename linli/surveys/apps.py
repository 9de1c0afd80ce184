from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "linli.surveys"
    label = "surveys"
    verbose_name = _("Needs surveys (居民需求调研)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linli.core.evidence import evidence_register

        from .evidence import surveys_of_matter

        evidence_register("consultation.matter", surveys_of_matter)
