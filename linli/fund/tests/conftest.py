import datetime as dt
import itertools
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.fund import services
from linli.fund.models import Application, Donation, GrantRound
from linli.partners.models import Partner

_keys = itertools.count(1)
TODAY = dt.date(2026, 5, 10)
NOW = dt.datetime(2026, 5, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def key() -> str:
    return f"k{next(_keys)}"


@pytest.fixture
def manager(users: dict[str, Any]) -> Any:
    return users["community_admin"]


@pytest.fixture
def applicant_user(make_user: Any, community: Any) -> Any:
    return make_user(Role.RESIDENT, community)


@pytest.fixture
def applicant(community: Any, applicant_user: Any) -> Partner:
    partner = Partner.objects.create(
        community=community, name="开元颐养", kind="charity", entity="social_org", joined_on=TODAY
    )
    partner.members.add(applicant_user)
    return partner


@pytest.fixture
def reviewers(make_user: Any, community: Any) -> list[Any]:
    return [make_user(Role.RESIDENT, community) for _ in range(3)]


@pytest.fixture
def grant_round(manager: Any, community: Any, reviewers: list[Any]) -> GrantRound:
    return services.round_create(
        actor=manager,
        community=community,
        name="2026年第一期",
        budget_fen=50_000_000,
        opens_on=TODAY,
        closes_on=TODAY + dt.timedelta(days=30),
        reviewers=reviewers,
    )


def donate(manager: Any, community: Any, fen: Any, **changes: Any) -> Donation:
    """An enterprise's donation of `fen` recorded today by `manager`; `changes` replace any other argument."""
    fields = {
        "donor_kind": "enterprise",
        "donor_name": "无忧传媒",
        "received_on": TODAY,
        "idempotency_key": key(),
        "now": NOW,
    }
    return services.donation_record(actor=manager, community=community, amount_fen=fen, **{**fields, **changes})


def approved(
    manager: Any, grant_round: GrantRound, applicant: Partner, applicant_user: Any, reviewers: list[Any], fen: int
) -> Application:
    application = submitted(applicant_user, grant_round, applicant, fen, now=NOW)
    for r in reviewers:
        services.review_score(actor=r, application=application, score=80, now=NOW)
    return services.application_decide(actor=manager, application=application, approve=True, approved_fen=fen, now=NOW)


# --- for the pages and the API: a round open today (by the real clock), and everyone who uses the fund -----


@pytest.fixture
def conflicted(make_user: Any, community: Any, applicant: Partner) -> Any:
    """A reviewer who acts for a partner that runs a partnership project with the applicant."""
    from linli.partners.models import Project

    user = make_user(Role.RESIDENT, community, display_name="王评审")
    ally = Partner.objects.create(community=community, name="邻里帮帮团", kind="charity", joined_on=TODAY)
    ally.members.add(user)
    project = Project.objects.create(
        community=community, title="楼道微更新", lead=ally, scenario="neighbourhood", starts_on=TODAY
    )
    project.co_partners.add(applicant)
    return user


@pytest.fixture
def open_round(manager: Any, community: Any, reviewers: list[Any], conflicted: Any) -> GrantRound:
    from django.utils import timezone

    today = timezone.localdate()
    return services.round_create(
        actor=manager,
        community=community,
        name="本期强社基金项目",
        budget_fen=50_000_000,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        min_reviews=3,
        reviewers=[*reviewers, conflicted],
    )


@pytest.fixture
def people(
    users: dict[str, Any],
    make_user: Any,
    other_community: Any,
    applicant_user: Any,
    reviewers: list[Any],
    conflicted: Any,
) -> dict[str, Any]:
    """Everyone in the role matrix."""
    return {
        "applicant": applicant_user,
        "resident": users["resident"],
        "reviewer": reviewers[0],
        "conflicted": conflicted,
        "admin": users["community_admin"],
        "other_admin": make_user(Role.COMMUNITY_ADMIN, other_community),
        "street_admin": users["street_admin"],
        "city_viewer": users["city_viewer"],
    }


def submitted(
    applicant_user: Any, grant_round: GrantRound, applicant: Partner, fen: int = 300_000, **changes: Any
) -> Application:
    """The applicant's application for `fen` (by the real clock unless `now` is given); `changes` replace the
    title, category or summary."""
    fields = {"title": "银龄助餐", "category": "services", "summary": "为高龄老人送餐", **changes}
    return services.application_submit(
        actor=applicant_user, grant_round=grant_round, applicant=applicant, requested_fen=fen, **fields
    )


def state() -> tuple[Any, ...]:
    """Everything the fund's pages and API could change."""
    from linli.fund.models import ConflictDeclaration, ProjectReport, Review, Tranche
    from linli.ledger.models import Transaction

    return (
        list(Donation.objects.values_list("pk", "amount_fen")),
        list(GrantRound.objects.values_list("pk", "name", "status")),
        list(Application.objects.values_list("pk", "status", "approved_fen", "decision_note")),
        list(Review.objects.values_list("pk", "score")),
        list(ConflictDeclaration.objects.values_list("pk")),
        list(Tranche.objects.values_list("pk", "amount_fen")),
        list(ProjectReport.objects.values_list("pk")),
        Transaction.objects.count(),
    )
