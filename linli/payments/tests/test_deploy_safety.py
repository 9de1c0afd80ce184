"""A production site refuses the simulated gateway (its wallet page pays without money) and the default signing
secret (anyone could forge a paid notification): a system check, and the web server's start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from linli.payments.providers.counter import CounterProvider
from linli.payments.system_checks import DEFAULT_SIMULATED_SECRET, payment_backend_check, refuse_unsafe_start

ROOT = Path(settings.BASE_DIR)
SIMULATED = "linli.payments.providers.simulated.SimulatedGateway"
STRONG = "x" * 48


class WalletProvider(CounterProvider):
    """Stands for a real gateway's adapter (a PaymentProvider that is not the simulated one)."""

    name = "wallet"


def ids(**overrides: object) -> list[str]:
    with override_settings(**overrides):
        return [e.id for e in payment_backend_check()]


def test_the_development_default_is_the_one_in_the_settings() -> None:
    assert settings.PAYMENT_SIMULATED_SECRET == DEFAULT_SIMULATED_SECRET  # the test settings keep the default


def test_without_debug_the_simulated_gateway_and_its_default_secret_are_errors() -> None:
    off = {"DEBUG": False, "PAYMENT_BACKEND": SIMULATED}
    assert ids(**off, PAYMENT_DEMO=False, PAYMENT_SIMULATED_SECRET=DEFAULT_SIMULATED_SECRET) == [
        "payments.E001",
        "payments.E002",
    ]
    assert ids(**off, PAYMENT_DEMO=True, PAYMENT_SIMULATED_SECRET=DEFAULT_SIMULATED_SECRET) == ["payments.E002"]
    assert ids(**off, PAYMENT_DEMO=True, PAYMENT_SIMULATED_SECRET="short") == ["payments.E002"]
    assert ids(**off, PAYMENT_DEMO=True, PAYMENT_SIMULATED_SECRET=STRONG) == []
    assert ids(**off, PAYMENT_DEMO=False, PAYMENT_SIMULATED_SECRET=STRONG) == ["payments.E001"]
    assert ids(DEBUG=True, PAYMENT_BACKEND=SIMULATED, PAYMENT_SIMULATED_SECRET=DEFAULT_SIMULATED_SECRET) == []


def test_a_real_provider_passes_and_a_wrong_one_is_an_error() -> None:
    assert ids(DEBUG=False, PAYMENT_BACKEND=f"{__name__}.WalletProvider", PAYMENT_DEMO=False) == []
    assert ids(DEBUG=False, PAYMENT_BACKEND="linli.nowhere.Gateway") == ["payments.E003"]
    assert ids(DEBUG=False, PAYMENT_BACKEND="linli.payments.models.Payment") == ["payments.E003"]


def test_the_start_is_refused_with_the_reasons() -> None:
    unsafe = override_settings(DEBUG=False, PAYMENT_BACKEND=SIMULATED, PAYMENT_DEMO=False)
    with unsafe, pytest.raises(ImproperlyConfigured, match=r"payments\.E001"):
        refuse_unsafe_start()
    with override_settings(DEBUG=False, PAYMENT_BACKEND=f"{__name__}.WalletProvider"):
        refuse_unsafe_start()


def production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PAYMENT_", "DEBUG"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY="ombBqzWHyWeAdFUbRULIpY8vhJnAQkUyFJyZEXTtEWE=",
        DATABASE_URL="postgres://linli@127.0.0.1:5432/linli",
        SMS_DEMO="true",
        **env,
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_the_simulated_gateway_in_check_deploy_and_at_the_start() -> None:
    check = production("manage.py", "check", "--deploy")
    assert check.returncode != 0 and "payments.E001" in check.stderr and "payments.E002" in check.stderr
    start = production("-c", "import config.wsgi")
    assert start.returncode != 0 and "ImproperlyConfigured" in start.stderr and "payments.E001" in start.stderr
    demo = production("-c", "import config.wsgi", PAYMENT_DEMO="true", PAYMENT_SIMULATED_SECRET=STRONG)
    assert demo.returncode == 0, demo.stderr
