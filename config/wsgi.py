import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if getattr(settings, "PAYMENT_CHECK_AT_STARTUP", False):
    # the web server refuses to start with the simulated payment gateway or its default secret (docs/payments.md)
    from linli.payments.system_checks import refuse_unsafe_start

    refuse_unsafe_start()

# each worker loads the walking network as it starts, not on a resident's first services page (README: serving)
from linli.planning.walking import network_preload  # noqa: E402

network_preload()

# each worker reads its URL list (importing every view and building the API's schemas, seconds) as it starts, not on
# its first request
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
