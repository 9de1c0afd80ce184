"""Who may do what at the canteen, on top of the facility rules (front desk, household)."""

from typing import Any

from linli.accounts.rules import access_for, oversees
from linli.accounts.types import Actor
from linli.facilities import rules as facility_rules


def can_configure_canteen(user: Actor, community: Any) -> bool:
    """Set the price rules (who pays how much at which age)."""
    return facility_rules.can_manage_register(user, community)


def can_view_statements(user: Actor, community: Any) -> bool:
    """Subsidy statements: the community's register managers, the street overseeing it, city viewers."""
    return (
        facility_rules.can_manage_register(user, community) or oversees(user, community) or access_for(user).city_viewer
    )
