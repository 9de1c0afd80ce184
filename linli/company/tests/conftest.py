"""What the company's book tests share: a space made directly, and support paid to a space through the service."""

import datetime as dt

from linli.company import services
from linli.facilities.models import Facility, FacilityCategory


def facility(community, code, nature):
    return Facility.objects.create(
        community=community,
        code=code,
        name=code,
        category=FacilityCategory.objects.first(),
        scenario="services",
        nature=nature,
        lat=30.285,
        lng=120.135,
    )


def support(actor, community, space, key, *, day: dt.date, fen=1, memo="x"):
    """The company's support to a free or affordable space (`services.support_post`), idempotent by `key`."""
    return services.support_post(
        actor=actor, community=community, facility=space, amount_fen=fen, day=day, memo=memo, idempotency_key=key
    )
