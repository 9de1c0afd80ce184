from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "linli.notices"
    label = "notices"
    verbose_name = _("Notices (社区公告)")
    default_auto_field = "django.db.models.BigAutoField"
