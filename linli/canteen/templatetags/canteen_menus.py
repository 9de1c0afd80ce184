"""The menu page's order forms: one for each member of the household on every menu of the week (four members and a
week of menus make some two hundred), written by one tag per menu from the words the view prepared, rather than by
a dozen template nodes on each line."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _csrf_input(context: template.Context) -> str:
    """What `{% csrf_token %}` writes."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def order_forms(
    context: template.Context, menu: Any, quotes: Sequence[tuple[Any, ...]], can_order: bool, url: str, ordered: str
) -> SafeString:
    """A form per diner of `quotes` (member, (what they pay, the subsidy), already ordered, "name (age)", the
    button's words): "ordered" when they have, else the button when `can_order`. Every word is escaped."""
    csrf, action, ordered = _csrf_input(context), escape(url), escape(ordered)
    lines = []
    for member, (pays, subsidy), done, who, button in quotes:
        if done:
            state = f'<span class="badge ok" data-testid="ordered-{menu.pk}-{member.pk}">{ordered}</span>'
        elif can_order:
            state = f'<button class="button small primary">{escape(button)}</button>'
        else:
            state = ""
        small = f"<small>· {escape(subsidy)}</small>" if subsidy else ""
        lines.append(
            f'\n  <form method="post" action="{action}" class="price-who">{csrf}\n'
            f'    <input type="hidden" name="resident" value="{member.pk}">\n'
            f"    <span>{escape(who)}: <strong>{escape(pays)}</strong>\n"
            f"      {small}</span>\n"
            f"    {state}\n"
            "  </form>"
        )
    return mark_safe("".join(lines))  # every word above is escaped
