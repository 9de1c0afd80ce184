from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WasteConfig(AppConfig):
    name = "linli.waste"
    label = "waste"
    verbose_name = _("Waste sorting (垃圾分类)")
    default_auto_field = "django.db.models.BigAutoField"
