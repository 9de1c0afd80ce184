from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "linli.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from linli.facilities.hooks import booking_payment
        from linli.ledger.hooks import payment_hooks

        from . import checks, services, system_checks, tasks  # noqa: F401  (system_checks registers its checks)
        from .providers import simulated

        payment_hooks.checkout_url = services.checkout_url
        if services.order_refunded not in payment_hooks.order_refunded:
            payment_hooks.order_refunded.append(services.order_refunded)
        if checks.payments_check not in payment_hooks.checks:
            payment_hooks.checks.append(checks.payments_check)
        booking_payment.pay_url = services.booking_pay_url
        if services.booking_cancelled not in booking_payment.on_cancel:
            booking_payment.on_cancel.append(services.booking_cancelled)
        if checks.subjects_check not in payment_hooks.checks:
            payment_hooks.checks.append(checks.subjects_check)

        def deliver(body: str, headers: dict[str, str]) -> None:
            tasks.gateway_notify.enqueue(body, headers)

        simulated.deliver = deliver
