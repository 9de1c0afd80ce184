import pytest

from linli.audit.models import AuditEntry
from linli.conftest import run_together
from linli.fund import services
from linli.fund.models import Application, GrantRound, Tranche
from linli.ledger.checks import ledger_check

from .conftest import NOW, approved, donate, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_tranches_at_once_never_pay_more_than_approved(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    donate(manager, community, 10_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 450_000)
    jobs = [
        lambda i=i: services.tranche_pay(actor=manager, application=grant, amount_fen=100_000, idempotency_key=f"c{i}")
        for i in range(10)
    ]
    errors = run_together(jobs)
    assert len(errors) == 6 and all(e.code == "over_approved" for e in errors)
    assert services.grant_account(grant).balance == 400_000
    assert sum(t.amount_fen for t in Tranche.objects.all()) == 400_000
    assert ledger_check(community_id=community.pk).ok


def test_grants_paid_at_once_never_take_the_fund_below_zero(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    grant_round.budget_fen = 10_000_000
    grant_round.save()
    grants = [approved(manager, grant_round, applicant, applicant_user, reviewers, 100_000) for _ in range(6)]
    donate(manager, community, 250_000)
    jobs = [
        lambda g=g: services.tranche_pay(actor=manager, application=g, amount_fen=100_000, idempotency_key=f"g{g.pk}")
        for g in grants
    ]
    errors = run_together(jobs)
    assert len(errors) == 4 and all(e.code == "insufficient_balance" for e in errors)
    assert services.fund_account(community).balance == 50_000
    assert Tranche.objects.count() == 2
    assert ledger_check(community_id=community.pk).ok


def test_two_closes_at_once_close_the_round_once(manager, grant_round):
    services.round_start_review(actor=manager, grant_round=grant_round)
    errors = run_together([lambda: services.round_close(actor=manager, grant_round=grant_round) for _ in range(2)])
    assert len(errors) == 1 and errors[0].code == "invalid_transition"
    assert GrantRound.objects.get(pk=grant_round.pk).status == "closed"
    assert AuditEntry.objects.filter(action="fund.round_close").count() == 1


def test_three_review_starts_at_once_move_the_round_once(manager, grant_round):
    errors = run_together([lambda: services.round_start_review(actor=manager, grant_round=grant_round)] * 3)
    assert len(errors) == 2 and all(e.code == "invalid_transition" for e in errors)
    assert GrantRound.objects.get(pk=grant_round.pk).status == "reviewing"
    assert AuditEntry.objects.filter(action="fund.round_start_review").count() == 1


def test_an_application_from_a_stale_page_never_lands_in_a_closing_round(
    manager, grant_round, applicant, applicant_user
):
    stale = GrantRound.objects.get(pk=grant_round.pk)  # loaded while open, as a form page would
    services.round_start_review(actor=manager, grant_round=grant_round)

    def apply() -> None:
        submitted(applicant_user, stale, applicant, 100_000, now=NOW, title="迟到的申请", summary="计划")

    errors = run_together([lambda: services.round_close(actor=manager, grant_round=grant_round), apply])
    assert [e.code for e in errors] == ["round_closed"]
    assert GrantRound.objects.get(pk=grant_round.pk).status == "closed" and not Application.objects.exists()
