"""The ledger owns floors: the community fund's money account opens at floor zero, and the data migration
gives existing ones the same floor where it can hold."""

import importlib

import pytest
from django.apps import apps

from linli.core.errors import DomainError
from linli.ledger import services
from linli.ledger.models import Account, AccountKind, Unit

pytestmark = pytest.mark.django_db
migration = importlib.import_module("linli.ledger.migrations.0004_community_fund_floor_zero")


def test_the_community_funds_money_opens_at_floor_zero_and_the_other_sources_have_none(community):
    assert services.funding_account(community, "community_fund", Unit.FEN).floor == 0
    assert services.funding_account(community, "community_fund", Unit.POINTS).floor is None  # it issues points
    for code in ("economic_cooperative", "government_subsidy", "community_company"):
        assert services.funding_account(community, code, Unit.FEN).floor is None


def test_the_fund_cannot_pay_what_it_does_not_hold(community):
    fund = services.funding_account(community, "community_fund", Unit.FEN)
    with pytest.raises(DomainError):
        services.money_transfer(
            community=community,
            from_account=fund,
            to_account=services.external_account(community),
            amount_fen=1,
            idempotency_key="out",
            memo="",
        )
    fund.refresh_from_db()
    assert fund.balance == 0


def test_the_migration_sets_the_floor_where_it_holds(community, other_community):
    def opened(c, code, unit, balance):  # as an account opened before floors (yuan ones open with the community)
        account, _created = Account.objects.update_or_create(
            community=c, kind=AccountKind.FUNDING, code=code, unit=unit, defaults={"floor": None, "balance": balance}
        )
        return account

    empty = opened(community, "community_fund", Unit.FEN, 0)
    overdrawn = opened(other_community, "community_fund", Unit.FEN, -300)
    points = opened(community, "community_fund", Unit.POINTS, -20)
    other = opened(community, "economic_cooperative", Unit.FEN, 500)
    migration.forwards(apps, None)
    floors = {a.pk: a.floor for a in Account.objects.filter(pk__in=[empty.pk, overdrawn.pk, points.pk, other.pk])}
    assert floors == {empty.pk: 0, overdrawn.pk: None, points.pk: None, other.pk: None}
