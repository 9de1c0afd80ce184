"""The planning core's messages in the user's language.

The core (no Django) raises errors and returns warnings as :class:`~linli.planning.core.errors.Message`: English
text that keeps its template and parameters. Here the template is looked up in this app's catalogue and filled
with the (translated) parameters; a result stored as JSON keeps them as ``{"text", "template", "params"}``.
"""

from typing import Any

from django.utils.translation import gettext

from .core.errors import Message, PlanningError


def translate(message: Any) -> str:
    """A core message (a ``Message``, its stored dict form, or plain text) in the active language."""
    if isinstance(message, PlanningError):
        message = message.message
    if isinstance(message, Message):
        template, params, text = message.template, message.params, str(message)
    elif isinstance(message, dict) and "template" in message:
        template, params, text = message["template"], message.get("params") or {}, message.get("text", "")
    else:
        return str(message)
    if not template:
        return text
    filled = {key: translate(value) if isinstance(value, Message | dict) else value for key, value in params.items()}
    try:
        return gettext(template) % filled if filled else gettext(template)
    except (KeyError, TypeError, ValueError):
        return text or template % params


def stored(message: Any) -> dict[str, Any]:
    """The JSON form of a core message, to translate later (``translate`` reads it back)."""
    if isinstance(message, PlanningError):
        message = message.message
    if isinstance(message, Message):
        return message.as_dict()
    return {"text": str(message), "template": "", "params": {}}
