"""Login codes stay out of the logs: without DEBUG a development SMS sender is a system-check error, and the
console sender masks what it prints."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from linli.notifications.checks import sms_backend_check
from linli.notifications.sms import BaseSMSBackend, ConsoleSMSBackend, SMSMessage

ROOT = Path(__file__).resolve().parents[3]
CONSOLE = "linli.notifications.sms.ConsoleSMSBackend"
LOCMEM = "linli.notifications.sms.LocmemSMSBackend"


class ProviderBackend(BaseSMSBackend):
    """Stands for an SMS provider's sender."""

    def send(self, message: SMSMessage) -> None:
        pass


@pytest.mark.parametrize("backend", [CONSOLE, LOCMEM])
def test_a_development_sender_without_debug_is_a_check_error(backend):
    with override_settings(DEBUG=False, SMS_BACKEND=backend, SMS_DEMO=False):
        assert [e.id for e in sms_backend_check()] == ["notifications.E001"]
    with override_settings(DEBUG=True, SMS_BACKEND=backend):
        assert sms_backend_check() == []
    with override_settings(DEBUG=False, SMS_BACKEND=backend, SMS_DEMO=True):
        assert sms_backend_check() == []


def test_a_provider_sender_passes_and_a_missing_one_is_an_error():
    provider = f"{__name__}.ProviderBackend"
    with override_settings(DEBUG=False, SMS_BACKEND=provider, SMS_DEMO=False):
        assert sms_backend_check() == []
    with override_settings(DEBUG=False, SMS_BACKEND="linli.nowhere.Sender", SMS_DEMO=False):
        assert [e.id for e in sms_backend_check()] == ["notifications.E002"]


def manage_check(settings_module: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"SMS_BACKEND", "SMS_DEMO", "DEBUG"}}
    environment.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY="production-like-secret-key-for-the-check-0123456789",
        FIELD_ENCRYPTION_KEY="ombBqzWHyWeAdFUbRULIpY8vhJnAQkUyFJyZEXTtEWE=",
        DATABASE_URL="postgres://linli@127.0.0.1:5432/linli",
        PAYMENT_DEMO="true",  # the simulated gateway is checked by payments' own test
        PAYMENT_SIMULATED_SECRET="a-payment-secret-of-its-own-for-the-check-0123456789",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_with_the_console_sender():
    refused = manage_check("config.settings.production")
    assert refused.returncode != 0 and "notifications.E001" in refused.stderr
    provider = manage_check("config.settings.production", SMS_BACKEND=f"{__name__}.ProviderBackend")
    assert provider.returncode == 0, provider.stderr
    assert manage_check("config.settings.base").returncode == 0  # development: DEBUG, console allowed
    assert manage_check("config.settings.test").returncode == 0


def test_the_console_sender_masks_codes_and_numbers_outside_debug(capsys):
    message = SMSMessage(mobile="13900000005", text="您的邻里登录验证码是 482913，5 分钟内有效。")
    with override_settings(DEBUG=False, SMS_DEMO=False):
        ConsoleSMSBackend().send(message)
    printed = capsys.readouterr().out
    assert "482913" not in printed and "13900000005" not in printed
    assert printed == "[SMS to 139****0005] 您的邻里登录验证码是 ******，* 分钟内有效。\n"
    for shown in ({"DEBUG": True, "SMS_DEMO": False}, {"DEBUG": False, "SMS_DEMO": True}):
        with override_settings(**shown):
            ConsoleSMSBackend().send(message)
        assert "482913" in capsys.readouterr().out
