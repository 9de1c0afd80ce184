import pytest

from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.fund import selectors, services
from linli.fund.models import ConflictDeclaration, Donation, Review, Tranche
from linli.ledger.checks import ledger_check
from linli.ledger.models import Transaction
from linli.partners.models import Partner, Project

from .conftest import NOW, TODAY, approved, donate, key, submitted

pytestmark = pytest.mark.django_db


def test_a_donation_is_a_ledger_deposit_with_a_receipt_and_a_retry_records_it_once(manager, community):
    abroad = {"donor_kind": "native_abroad", "donor_name": "旅欧侨胞陈先生", "idempotency_key": "bank-ref-1"}
    first = donate(manager, community, 10_000_000, **abroad)
    again = donate(manager, community, 10_000_000, **abroad)
    assert first.pk == again.pk and first.receipt_no.startswith("JJ2026-")
    assert services.fund_account(community).balance == 10_000_000
    assert first.transaction.kind == "deposit"
    assert ledger_check(community_id=community.pk).ok


@pytest.mark.parametrize("amount", [0, -100, 1.5, "100", True, 10**12])
def test_bad_donations_are_refused_and_nothing_changes(manager, community, amount):
    with pytest.raises(DomainError) as refused:
        donate(manager, community, amount, donor_kind="resident", donor_name="居民")
    assert refused.value.field == "amount_fen"
    assert not Donation.objects.exists() and not Transaction.objects.exists()


def test_only_caseworkers_record_donations(users, community):
    for role in ("resident", "volunteer", "grid_steward", "street_admin", "outsider"):
        with pytest.raises(NotAllowed):
            donate(users[role], community, 100)
    assert not Transaction.objects.exists()


def test_a_grant_never_pays_more_than_approved(manager, community, grant_round, applicant, applicant_user, reviewers):
    donate(manager, community, 1_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    services.tranche_pay(actor=manager, application=grant, amount_fen=200_000, idempotency_key=key())
    with pytest.raises(DomainError) as refused:
        services.tranche_pay(actor=manager, application=grant, amount_fen=100_001, idempotency_key=key())
    assert refused.value.code == "over_approved" and "¥1000" in str(refused.value.message)
    services.tranche_pay(actor=manager, application=grant, amount_fen=100_000, idempotency_key=key())
    assert services.grant_account(grant).balance == 300_000
    assert services.fund_account(community).balance == 700_000
    assert [t.number for t in Tranche.objects.order_by("number")] == [1, 2]


def test_the_fund_never_pays_more_than_it_holds(manager, community, grant_round, applicant, applicant_user, reviewers):
    donate(manager, community, 100_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    with pytest.raises(Conflict) as refused:
        services.tranche_pay(actor=manager, application=grant, amount_fen=150_000, idempotency_key=key())
    assert refused.value.code == "insufficient_balance"
    assert not Tranche.objects.exists()
    assert services.fund_account(community).balance == 100_000


def test_a_tranche_retried_with_its_key_pays_once(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    donate(manager, community, 1_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    first = services.tranche_pay(actor=manager, application=grant, amount_fen=100_000, idempotency_key="t-1")
    assert (
        services.tranche_pay(actor=manager, application=grant, amount_fen=100_000, idempotency_key="t-1").pk == first.pk
    )
    with pytest.raises(Conflict):
        services.tranche_pay(actor=manager, application=grant, amount_fen=50_000, idempotency_key="t-1")
    assert services.grant_account(grant).balance == 100_000


def test_an_unapproved_application_is_not_paid(manager, community, grant_round, applicant, applicant_user):
    donate(manager, community, 1_000_000)
    application = submitted(
        applicant_user,
        grant_round,
        applicant,
        100_000,
        now=NOW,
        title="平安巡逻",
        category="safety",
        summary="夜间巡逻",
    )
    with pytest.raises(DomainError):
        services.tranche_pay(actor=manager, application=application, amount_fen=1, idempotency_key=key())
    with pytest.raises(DomainError) as refused:
        services.application_decide(actor=manager, application=application, approve=True, approved_fen=100_000)
    assert refused.value.code == "reviews_missing"


def test_a_reviewer_who_acts_for_the_applicant_cannot_score(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    application = submitted(applicant_user, grant_round, applicant, 100_000, now=NOW, title="银龄助餐", summary="送餐")
    applicant.members.add(reviewers[0])
    with pytest.raises(NotAllowed) as refused:
        services.review_score(actor=reviewers[0], application=application, score=95)
    assert refused.value.code == "conflict_of_interest"
    assert not Review.objects.exists()


def test_a_reviewer_whose_organisation_partners_the_applicant_cannot_score(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    bank = Partner.objects.create(community=community, name="杭州银行萧山支行", kind="resources", joined_on=TODAY)
    bank.members.add(reviewers[1])
    project = Project.objects.create(
        community=community, title="一老一小", lead=bank, scenario="health", starts_on=TODAY
    )
    application = submitted(applicant_user, grant_round, applicant, 100_000, now=NOW, title="银龄助餐", summary="送餐")
    services.review_score(actor=reviewers[1], application=application, score=70)  # not yet partners
    Review.objects.all().delete()
    project.co_partners.add(applicant)
    assert selectors.conflicts_of(reviewer=reviewers[1], application=application)
    with pytest.raises(NotAllowed):
        services.review_score(actor=reviewers[1], application=application, score=70)
    ConflictDeclaration.objects.create(community=community, reviewer=reviewers[2], partner=applicant, reason="亲属任职")
    with pytest.raises(NotAllowed) as refused:
        services.review_score(actor=reviewers[2], application=application, score=70)
    assert "亲属任职" in str(refused.value.message)
    assert not Review.objects.exists()


def test_scores_are_bounded_and_given_once(grant_round, applicant, applicant_user, reviewers):
    application = submitted(
        applicant_user,
        grant_round,
        applicant,
        100_000,
        now=NOW,
        title="议事",
        category="consultation",
        summary="圆桌会",
    )
    for bad in (-1, 101, "90", 7.5):
        with pytest.raises(DomainError):
            services.review_score(actor=reviewers[0], application=application, score=bad)
    services.review_score(actor=reviewers[0], application=application, score=90)
    with pytest.raises(Conflict):
        services.review_score(actor=reviewers[0], application=application, score=91)
    assert Review.objects.get().score == 90


def test_approval_stays_within_the_request_and_the_round_budget(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    grant_round.budget_fen = 150_000
    grant_round.save()
    approved(manager, grant_round, applicant, applicant_user, reviewers, 100_000)
    second = submitted(applicant_user, grant_round, applicant, 100_000, now=NOW, title="第二个", summary="…")
    for r in reviewers:
        services.review_score(actor=r, application=second, score=60)
    with pytest.raises(DomainError) as refused:
        services.application_decide(actor=manager, application=second, approve=True, approved_fen=60_000)
    assert refused.value.code == "over_budget"
    with pytest.raises(DomainError):
        services.application_decide(actor=manager, application=second, approve=True, approved_fen=100_001)
    second.refresh_from_db()
    assert second.status == "submitted" and second.approved_fen == 0


def test_the_public_summary_is_summed_from_the_ledger(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    donate(manager, community, 3_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 500_000)
    services.tranche_pay(actor=manager, application=grant, amount_fen=300_000, idempotency_key=key())
    services.report_submit(
        actor=applicant_user, application=grant, period="2026 Q2", body="送餐 1200 份", spent_fen=120_000
    )
    with pytest.raises(DomainError):  # cannot report more spent than was paid
        services.report_submit(actor=applicant_user, application=grant, period="2026 Q3", body="…", spent_fen=200_000)
    summary = selectors.fund_summary(community=community)
    assert (summary.raised_fen, summary.granted_fen, summary.paid_fen, summary.spent_fen, summary.held_fen) == (
        3_000_000,
        500_000,
        300_000,
        120_000,
        2_700_000,
    )
    assert summary.projects[0].application == grant
    assert grant.reports.count() == 1
    assert ledger_check(community_id=community.pk).ok
