"""“By X for Y” (代办) on records someone made for another resident: a family helper, a household member, staff."""

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def actor_name(actor: Any) -> str:
    """The name a resident knows the account by: its resident's name, else its display name or masked mobile."""
    try:
        return str(actor.resident.name)
    except (ObjectDoesNotExist, AttributeError):
        return str(actor)


@register.simple_tag
def by_for(actor: Any, resident: Any) -> SafeString | str:
    """Empty when the resident made the record themself (or nobody is recorded)."""
    if actor is None or resident is None or actor.pk == resident.user_id:
        return ""
    text = _("by %(by)s for %(for)s") % {"by": actor_name(actor), "for": resident.name}
    return format_html(' <small class="by-for" data-testid="by-for">{}</small>', text)
