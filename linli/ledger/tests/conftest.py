import itertools
from typing import Any

import pytest

from linli.accounts.models import Role, RoleAssignment
from linli.conftest import make_resident
from linli.ledger import services
from linli.ledger.models import Merchant, Product

_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def fund(resident: Any, points: int, rule: str = "volunteer_hour") -> None:
    """Give a resident `points` by the volunteer-hour rule with its caps lifted."""
    community = resident.community
    rule_obj = services.earning_rule_get(community, rule)
    rule_obj.points, rule_obj.daily_cap, rule_obj.yearly_cap = 1, None, None
    rule_obj.save()
    services.points_earn(
        community=community, resident=resident, rule_code=rule, quantity=points, idempotency_key=key("fund")
    )


@pytest.fixture
def merchant_user(make_user: Any, community: Any) -> Any:
    return make_user()


@pytest.fixture
def merchant(community: Any, merchant_user: Any) -> Merchant:
    m = Merchant.objects.create(
        community=community,
        name="小北鲜市",
        status=Merchant.Status.APPROVED,
        applied_at="2026-01-01T00:00:00+08:00",
        open_to_all_communities=True,
    )
    m.staff.add(merchant_user)
    RoleAssignment.objects.create(user=merchant_user, role=Role.MERCHANT_STAFF, community=community)
    # it settles with the community fund, which pays only what it holds
    services.money_transfer(
        community=community,
        from_account=services.external_account(community),
        to_account=services.funding_account(community, m.settles_with),
        amount_fen=100_000,
        idempotency_key=key("fund-in"),
        memo="街道拨款",
        kind="deposit",
    )
    return m


@pytest.fixture
def product(merchant: Merchant) -> Product:
    return Product.objects.create(
        merchant=merchant, community=merchant.community, name="青菜一把", price_points=10, stock=1000
    )


@pytest.fixture
def shopper(community: Any, make_user: Any) -> Any:
    user = make_user(Role.RESIDENT, community)
    return make_resident(community, name="周丽君", seq=7, user=user)
