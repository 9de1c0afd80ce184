"""System checks: a production site must not take money through the simulated gateway (its wallet page pays
without any money), nor sign the gateway's notifications with the secret printed in the source (anyone could
forge a payment). Run by `manage.py check` (and `check --deploy`) and, under the production settings, when the
application starts (`PAYMENT_CHECK_AT_STARTUP`), which then refuses to start."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# the development default of PAYMENT_SIMULATED_SECRET (config/settings/base.py): public, so it signs nothing real
DEFAULT_SIMULATED_SECRET = "linli-simulated-gateway-development-secret"


@register()
def payment_backend_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    from .providers.base import PaymentProvider
    from .providers.simulated import SimulatedGateway

    try:
        backend = import_string(settings.PAYMENT_BACKEND)
    except ImportError as exc:
        return [
            Error(
                f"PAYMENT_BACKEND {settings.PAYMENT_BACKEND!r} cannot be imported: {exc}",
                hint="Set PAYMENT_BACKEND to the dotted path of your payment provider (a PaymentProvider).",
                id="payments.E003",
            )
        ]
    if not (isinstance(backend, type) and issubclass(backend, PaymentProvider)):
        return [
            Error(
                f"PAYMENT_BACKEND {settings.PAYMENT_BACKEND!r} is not a PaymentProvider.",
                hint="See docs/payments.md for the interface a provider implements.",
                id="payments.E003",
            )
        ]
    if not issubclass(backend, SimulatedGateway):
        return []
    errors = []
    if not getattr(settings, "PAYMENT_DEMO", False):
        errors.append(
            Error(
                "PAYMENT_BACKEND is the simulated gateway while DEBUG is off: its wallet page marks orders and "
                "top-ups paid without any money moving.",
                hint="Set PAYMENT_BACKEND to your payment provider's adapter (docs/payments.md). Only a demo "
                "site, where no real money is taken, may set PAYMENT_DEMO=true instead.",
                id="payments.E001",
            )
        )
    secret = getattr(settings, "PAYMENT_SIMULATED_SECRET", "")
    if secret == DEFAULT_SIMULATED_SECRET or len(secret) < 32:
        errors.append(
            Error(
                "PAYMENT_SIMULATED_SECRET is the default from the source (or shorter than 32 characters): anyone "
                "can sign a notification that books a payment.",
                hint="Set PAYMENT_SIMULATED_SECRET to a long random value, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'.",
                id="payments.E002",
            )
        )
    return errors


def refuse_unsafe_start() -> None:
    """Called when the application starts under settings that ask for it: raise instead of serving."""
    errors = payment_backend_check()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg}" for e in errors))
