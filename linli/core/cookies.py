"""The site's own cookies, with the flags the settings give (Secure behind https, HttpOnly, SameSite)."""

from django.conf import settings
from django.http import HttpResponse

ELDER_COOKIE = "linli_elder"


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """As Django's `set_language` view sets it: with LANGUAGE_COOKIE_SECURE/HTTPONLY/SAMESITE."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a setting, checked by Django
    )


def elder_cookie_set(response: HttpResponse, on: bool) -> None:
    response.set_cookie(
        ELDER_COOKIE,
        "1" if on else "0",
        max_age=365 * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
