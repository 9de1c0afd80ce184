"""PostgreSQL cannot store the NUL character in text. Every query refuses it up front, on every database, with
a message in the user's language, instead of a server error deep inside a write."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from psycopg.types.json import Json, Jsonb

from .errors import DomainError


def _has_nul(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return "\x00" in value
    if kind is list or kind is tuple:
        return any(map(_has_nul, value))
    if kind is dict:
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Json | Jsonb):
        return _has_nul(value.obj)
    return False


def refuse_nul(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    if params and _has_nul(params):
        raise DomainError(_("Text may not contain the NUL character."), code="nul_character")
    return execute(sql, params, many, context)


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created`: every new database connection gets the check once."""
    if refuse_nul not in connection.execute_wrappers:
        connection.execute_wrappers.append(refuse_nul)
