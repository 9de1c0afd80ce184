"""“By X for Y” (代办) on records someone made for another resident: a family helper, a household member, staff."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.people.selectors import acted_by

register = template.Library()


@register.simple_tag
def by_for(actor: User | None, resident: Any) -> SafeString | str:
    """Empty when the resident made the record themself (or nobody is recorded)."""
    if resident is None:
        return ""
    return by_for_name(acted_by(actor, resident), resident)


@register.simple_tag
def by_for_name(name: str | None, resident: Any) -> SafeString | str:
    """`by_for` when the maker's name is already known (None: the resident made the record themself)."""
    if resident is None or not name:
        return ""
    text = _("by %(by)s for %(for)s") % {"by": name, "for": resident.name}
    return format_html(' <small class="by-for" data-testid="by-for">{}</small>', text)
