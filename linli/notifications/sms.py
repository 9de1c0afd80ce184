"""Pluggable SMS senders, chosen by settings.SMS_BACKEND, as Django chooses e-mail backends."""

import logging
import re
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SMSMessage:
    mobile: str
    text: str


class BaseSMSBackend(ABC):
    """What an SMS provider's backend implements (set its dotted path in settings.SMS_BACKEND)."""

    @abstractmethod
    def send(self, message: SMSMessage) -> None: ...


def shows_codes() -> bool:
    """Whether a development sender may print messages in full: under DEBUG, or on a site declared a demo."""
    return bool(settings.DEBUG or getattr(settings, "SMS_DEMO", False))


def masked(message: SMSMessage) -> SMSMessage:
    """The message with every digit hidden (login codes, amounts) and the number shortened to 139****0005."""
    mobile = f"{message.mobile[:3]}****{message.mobile[-4:]}" if len(message.mobile) > 7 else "****"
    return SMSMessage(mobile=mobile, text=re.sub(r"\d", "*", message.text))


class ConsoleSMSBackend(BaseSMSBackend):
    """Prints messages (development and the demo). Elsewhere it prints them masked: login codes never reach a log.
    It delivers nothing, so a production site must not use it (system check notifications.E001)."""

    def send(self, message: SMSMessage) -> None:
        shown = message if shows_codes() else masked(message)
        sys.stdout.write(f"[SMS to {shown.mobile}] {shown.text}\n")
        sys.stdout.flush()


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in `outbox` (tests)."""

    outbox: ClassVar[list[SMSMessage]] = []

    def send(self, message: SMSMessage) -> None:
        self.outbox.append(message)


def get_sms_backend() -> BaseSMSBackend:
    backend: BaseSMSBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_sms(mobile: str, text: str) -> None:
    get_sms_backend().send(SMSMessage(mobile=mobile, text=text))
