"""The staff links of the header: each role its own pages, only those it may open."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from linli.accounts import rules as account_rules
from linli.accounts.types import Actor
from linli.core.versioned_cache import VersionedCache
from linli.people.rules import own_resident
from linli.places import rules as place_rules
from linli.places import selectors as places

from .workbench import has_workbench

# The header of every page reads the account's roles, streets, communities and resident record. It is kept in the
# shared cache per account and language, stamped with a version that any change to those records replaces
# (`header_data_changed`, from `HomeConfig.ready`), so a new role or a renamed community shows on the next page.
HEADERS = VersionedCache("header")


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


def _header_of(user: Actor) -> tuple[list[tuple[str, str]], bool]:
    links = staff_links(user)
    return links, not links or own_resident(user) is not None


def header_data_changed(**_kwargs: Any) -> None:
    """A role, street, community or resident record was saved or deleted: every header is read again, now and once
    the change is committed (a page read in between would have kept the old one)."""

    HEADERS.renew()


def _cached_header_of(user: Actor) -> tuple[list[tuple[str, str]], bool]:
    key = [user.pk, int(user.is_superuser), get_language()]
    return HEADERS.get_or_make(key, lambda: _header_of(user), settings.HEADER_CACHE_SECONDS)


def staff_nav(request: HttpRequest) -> dict[str, Any]:
    """The staff links, and whether the header offers the resident pages: to residents, and to accounts with no staff
    role (one waiting to be verified is told there how); staff with no resident record would find them missing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff_links": [], "is_resident": False}
    links, is_resident = _cached_header_of(user)
    return {"staff_links": links, "is_resident": is_resident}
