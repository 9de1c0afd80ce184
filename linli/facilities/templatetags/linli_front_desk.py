"""What the front desk's tabs offer the user: the set-up pages only to those who may open them."""

from typing import Any

from django import template

from linli.facilities import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def may_manage_register(context: Any, community: Any) -> bool:
    return rules.can_manage_register(context["request"].user, community)
