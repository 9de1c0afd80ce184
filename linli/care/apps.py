from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
    verbose_name = _("Care visits (走访)")
    default_auto_field = "django.db.models.BigAutoField"
