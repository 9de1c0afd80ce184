import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()

from django.conf import settings  # noqa: E402

if getattr(settings, "PAYMENT_CHECK_AT_STARTUP", False):
    # the web server refuses to start with the simulated payment gateway or its default secret (docs/payments.md)
    from linli.payments.system_checks import refuse_unsafe_start

    refuse_unsafe_start()
