"""Pluggable SMS senders, chosen by settings.SMS_BACKEND, as Django chooses e-mail backends."""

import logging
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


class ConsoleSMSBackend(BaseSMSBackend):
    """Prints messages (development and the demo)."""

    def send(self, message: SMSMessage) -> None:
        sys.stdout.write(f"[SMS to {message.mobile}] {message.text}\n")
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
