"""Who an API request is: a bearer token of `ApiToken`, or the browser session (with Django's CSRF check on
unsafe methods). Every router passes `auth=AUTH`."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
AUTH = [token_auth, django_auth]
