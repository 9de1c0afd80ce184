from typing import Any

import pytest

TODAY = __import__("datetime").date(2026, 3, 2)


@pytest.fixture
def admin(users: dict[str, Any]) -> Any:
    return users["community_admin"]


@pytest.fixture
def other_admin(make_user: Any, other_community: Any) -> Any:
    return make_user("community_admin", other_community)


@pytest.fixture
def bank(community: Any, admin: Any) -> Any:
    from linli.partners import services

    return services.partner_register(
        actor=admin,
        community=community,
        name="杭州银行萧山支行",
        kind="resources",
        entity="enterprise",
        joined_on=TODAY,
        contact_name="王经理",
        contact_mobile="13912345678",
    )


@pytest.fixture
def charity(community: Any, admin: Any) -> Any:
    from linli.partners import services

    return services.partner_register(
        actor=admin, community=community, name="北干社工服务中心", kind="charity", entity="social_org", joined_on=TODAY
    )


@pytest.fixture
def stranger(other_community: Any, other_admin: Any) -> Any:
    """A partner of the other community in the same street."""
    from linli.partners import services

    return services.partner_register(
        actor=other_admin, community=other_community, name="利民超市", kind="resources", joined_on=TODAY
    )


@pytest.fixture
def project(community: Any, admin: Any, bank: Any, charity: Any) -> Any:
    from linli.partners import services

    return services.project_create(
        actor=admin,
        community=community,
        lead=bank,
        co_partners=[charity],
        title="银龄助餐",
        scenario="services",
        starts_on=TODAY,
        contributions=[
            services.ContributionPlan(kind="money", description="项目资金", partner=bank, value_fen=500_000),
            services.ContributionPlan(kind="space", description="社区提供场地", quantity=120),
        ],
    )
