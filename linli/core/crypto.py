"""Encryption at rest for sensitive values (PIPL: national ID numbers), and keyed digests for look-ups."""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _key() -> bytes:
    configured = settings.FIELD_ENCRYPTION_KEY
    if configured:
        return configured.encode()
    if not settings.DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off.")
    return base64.urlsafe_b64encode(hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest())


def encrypt(plain: str) -> str:
    return Fernet(_key()).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return Fernet(_key()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key is an operator error: say so loudly
        raise ImproperlyConfigured("An encrypted value cannot be read with the configured key.") from exc


def digest(plain: str) -> str:
    """A keyed SHA-256, to find or deduplicate a value without storing it readable."""
    return hmac.new(_key(), plain.encode(), hashlib.sha256).hexdigest()
