"""System checks: a site without DEBUG must send real SMS (login codes), not print them or keep them in memory."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .sms import ConsoleSMSBackend, LocmemSMSBackend

DEVELOPMENT_SENDERS = (ConsoleSMSBackend, LocmemSMSBackend)


@register()
def sms_backend_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG or getattr(settings, "SMS_DEMO", False):
        return []
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError as exc:
        return [
            Error(
                f"SMS_BACKEND {settings.SMS_BACKEND!r} cannot be imported: {exc}",
                hint="Set SMS_BACKEND to the dotted path of your SMS provider's sender (a BaseSMSBackend).",
                id="notifications.E002",
            )
        ]
    if isinstance(backend, type) and issubclass(backend, DEVELOPMENT_SENDERS):
        return [
            Error(
                f"SMS_BACKEND is {settings.SMS_BACKEND}, a development sender, while DEBUG is off: "
                "residents would get no login codes or notices.",
                hint="Set SMS_BACKEND to your SMS provider's sender (a subclass of "
                "linli.notifications.sms.BaseSMSBackend). Only a demo site, which residents never use, may set "
                "SMS_DEMO=true instead: the console then prints codes in full.",
                id="notifications.E001",
            )
        ]
    return []
