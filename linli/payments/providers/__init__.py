"""Payment providers, pluggable as the SMS sender is: the online one is `settings.PAYMENT_BACKEND` (a dotted path
to a `PaymentProvider` class), the service counter is always there. docs/payments.md describes the interface."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import (
    AlreadyPaid,
    BadNotification,
    Notice,
    PaymentProvider,
    Prepay,
    ProviderError,
    StatementLine,
    TradeState,
)

COUNTER = "counter"

__all__ = [
    "COUNTER",
    "AlreadyPaid",
    "BadNotification",
    "Notice",
    "PaymentProvider",
    "Prepay",
    "ProviderError",
    "StatementLine",
    "TradeState",
    "get_provider",
    "online_provider",
    "provider_choices",
]


def online_provider() -> PaymentProvider:
    provider: PaymentProvider = import_string(settings.PAYMENT_BACKEND)()
    return provider


def provider_choices() -> list[tuple[str, str]]:
    from .counter import CounterProvider

    online = online_provider()
    return [(online.name, str(online.label)), (CounterProvider.name, str(CounterProvider.label))]


def get_provider(name: str) -> PaymentProvider:
    """The provider called `name` (its `name` attribute), or `ProviderError` if none is configured by that name."""
    if name == COUNTER:
        from .counter import CounterProvider

        return CounterProvider()
    provider = online_provider()
    if provider.name != name:
        raise ProviderError(f"no payment provider called {name!r}")
    return provider
