"""The staff links of the header: each role its own pages, only those it may open."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts import rules as account_rules
from linli.accounts.types import Actor
from linli.people.rules import own_resident
from linli.places import rules as place_rules
from linli.places import selectors as places

from .workbench import has_workbench


def staff_links(user: Actor) -> list[tuple[str, str]]:
    """(label, url) of the pages the user's roles open, workbench first; none for residents."""
    if not user.is_authenticated or not has_workbench(user):
        return []
    links = [(_("Workbench"), reverse("home:workbench"))]
    streets = list(places.streets_of_admin(user)) if account_rules.access_for(user).street_ids else []
    for street in streets:
        suffix = f" · {street.name}" if len(streets) > 1 else ""
        links.append((_("Street cockpit") + suffix, reverse("cockpit:street", args=[street.code])))
        links.append((_("Life-circle health check") + suffix, reverse("planning:street", args=[street.code])))
    administered = [c for c in places.communities_with_roles_of(user) if place_rules.can_set_up_community(user, c)]
    for community in administered[:3]:  # a community admin's set-up pages (more than three: from the workbench)
        suffix = f" · {community.name}" if len(administered) > 1 else ""
        links.append((_("Set up") + suffix, reverse("places:community_setup", args=[community.code])))
    if account_rules.can_view_city(user):
        links.append((_("City cockpit"), reverse("cockpit:city")))
    if place_rules.can_set_up_any_street(user):
        links.append((_("Streets and communities"), reverse("places:street_list")))
    return links


def staff_nav(request: HttpRequest) -> dict[str, Any]:
    """The staff links, and whether the header offers the resident pages: to residents, and to accounts with no staff
    role (one waiting to be verified is told there how); staff with no resident record would find them missing."""
    user = getattr(request, "user", None)
    if user is None:
        return {"staff_links": [], "is_resident": False}
    links = staff_links(user)
    resident_pages = user.is_authenticated and (not links or own_resident(user) is not None)
    return {"staff_links": links, "is_resident": resident_pages}
