"""Who may do what, as a matrix over every kind of account."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from linli.consultation import rules

from .factories import resident_user

pytestmark = pytest.mark.django_db

WHO = [
    "anonymous",
    "resident",
    "other_resident",
    "grid_steward",
    "social_worker",
    "community_admin",
    "street_admin",
    "city_viewer",
    "operator",
]
#          view  raise support manage lift  export configure
EXPECTED = {
    "anonymous": (0, 0, 0, 0, 0, 0, 0),
    "resident": (1, 1, 1, 0, 0, 0, 0),
    "other_resident": (0, 0, 0, 0, 0, 0, 0),
    "grid_steward": (1, 1, 0, 0, 1, 0, 0),
    "social_worker": (1, 1, 0, 1, 1, 1, 0),
    "community_admin": (1, 1, 0, 1, 1, 1, 1),
    "street_admin": (1, 0, 0, 0, 0, 1, 0),
    "city_viewer": (1, 0, 0, 0, 0, 0, 0),
    "operator": (1, 0, 0, 0, 0, 0, 0),
}


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix(community: Any, other_community: Any, users: dict[str, Any], matter: Any, who: str) -> None:
    user = {
        "anonymous": lambda: AnonymousUser(),
        "resident": lambda: resident_user(community),
        "other_resident": lambda: resident_user(other_community),
    }.get(who, lambda: users[who])()
    got = (
        rules.can_view_consultation(user, community),
        rules.can_raise_matter(user, community),
        rules.can_support_matter(user, matter),
        rules.can_manage_consultation(user, community),
        rules.can_lift_report(user, community),
        rules.can_export(user, community),
        rules.can_configure_consultation(user, community),
    )
    assert tuple(int(x) for x in got) == EXPECTED[who]
