"""Votes: eligibility as a matrix, phases, secrecy, hidden results, one ballot per person or household."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.consultation import selectors, services
from linli.consultation.models import Ballot, Vote
from linli.core.errors import Conflict, NotAllowed
from linli.places.models import Neighbourhood

from .factories import new_household, resident_user, running_vote, tomorrows_meeting

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _vote(community: Any, staff: Any, **kw: Any) -> Vote:
    return running_vote(
        community, staff, **{"opens_at": NOW - dt.timedelta(hours=1), "closes_at": NOW + dt.timedelta(days=3), **kw}
    )


@pytest.fixture
def hoods(community: Any) -> tuple[Neighbourhood, Neighbourhood]:
    return community.neighbourhoods.first(), Neighbourhood.objects.create(community=community, name="第二小区")


@pytest.mark.parametrize("eligibility", ["all", "owners", "household", "neighbourhood"])
@pytest.mark.parametrize(
    "who", ["owner_in_hood", "tenant_in_hood", "owner_other_hood", "child", "other_community", "staff", "anonymous"]
)
def test_eligibility_matrix(
    community: Any, other_community: Any, staff: Any, hoods: Any, eligibility: str, who: str
) -> None:
    from django.contrib.auth.models import AnonymousUser

    hood, other_hood = hoods
    vote = _vote(
        community, staff, eligibility=eligibility, neighbourhood=hood if eligibility == "neighbourhood" else None
    )
    people = {
        "owner_in_hood": lambda: resident_user(community, owner=True, household=new_household(community, hood)),
        "tenant_in_hood": lambda: resident_user(community, household=new_household(community, hood)),
        "owner_other_hood": lambda: resident_user(
            community, owner=True, household=new_household(community, other_hood)
        ),
        "child": lambda: resident_user(community, owner=False, birth=dt.date.today() - dt.timedelta(days=365 * 12)),
        "other_community": lambda: resident_user(other_community, owner=True),
        "staff": lambda: staff,
        "anonymous": lambda: AnonymousUser(),
    }
    expected = {
        "all": {"owner_in_hood", "tenant_in_hood", "owner_other_hood"},
        "owners": {"owner_in_hood", "owner_other_hood"},
        "household": {"owner_in_hood", "tenant_in_hood", "owner_other_hood"},
        "neighbourhood": {"owner_in_hood", "tenant_in_hood"},
    }[eligibility]
    user = people[who]()
    option = vote.options.first()
    if who in expected:
        services.ballot_cast(actor=user, vote=vote, option=option, now=NOW)
        assert Ballot.objects.filter(vote=vote).count() == 1
    else:
        with pytest.raises(NotAllowed):
            services.ballot_cast(actor=user, vote=vote, option=option, now=NOW)
        assert Ballot.objects.filter(vote=vote).count() == 0


@pytest.mark.parametrize(
    ("offset", "ok", "code"), [(-2, False, "vote_not_open"), (1, True, ""), (80, False, "vote_closed")]
)
def test_phases_before_during_after(community: Any, staff: Any, alice: Any, offset: int, ok: bool, code: str) -> None:
    vote = _vote(community, staff, opens_at=NOW, closes_at=NOW + dt.timedelta(hours=72))
    when = NOW + dt.timedelta(hours=offset)
    audits = AuditEntry.objects.count()
    if ok:
        services.ballot_cast(actor=alice, vote=vote, option=vote.options.first(), now=when)
    else:
        with pytest.raises(Conflict) as exc:
            services.ballot_cast(actor=alice, vote=vote, option=vote.options.first(), now=when)
        assert exc.value.code == code
        assert Ballot.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_one_ballot_per_person(community: Any, staff: Any, alice: Any) -> None:
    vote = _vote(community, staff)
    services.ballot_cast(actor=alice, vote=vote, option=vote.options.first(), now=NOW)
    with pytest.raises(Conflict, match="already voted"):
        services.ballot_cast(actor=alice, vote=vote, option=vote.options.last(), now=NOW)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_one_ballot_per_household(community: Any, staff: Any) -> None:
    home = new_household(community)
    a, b = resident_user(community, household=home), resident_user(community, household=home)
    vote = _vote(community, staff, eligibility="household")
    services.ballot_cast(actor=a, vote=vote, option=vote.options.first(), now=NOW)
    with pytest.raises(Conflict, match="household has already voted"):
        services.ballot_cast(actor=b, vote=vote, option=vote.options.first(), now=NOW)


def test_secret_ballot_keeps_no_link_to_the_voter(community: Any, staff: Any, alice: Any, bob: Any) -> None:
    vote = _vote(community, staff, secret=True, hide_results=False)
    option = vote.options.last()
    services.ballot_cast(actor=alice, vote=vote, option=option, now=NOW)
    ballot = Ballot.objects.get(vote=vote)
    assert ballot.resident_id is None and ballot.cast_at is None
    assert len(ballot.voter_key) == 64  # a keyed digest: not the resident, not reversible without the key
    assert ballot.voter_key != vote.voter_key(bob.resident)
    entry = AuditEntry.objects.get(action="consultation.ballot_cast")
    assert "option" not in (entry.after or {})
    assert selectors.my_open_ballot(user=alice, vote=vote) is None
    assert selectors.has_voted(user=alice, vote=vote)


def test_hidden_results_refused_to_everyone_until_close(
    community: Any, staff: Any, alice: Any, users: dict[str, Any]
) -> None:
    vote = _vote(community, staff, hide_results=True)
    services.ballot_cast(actor=alice, vote=vote, option=vote.options.first(), now=NOW)
    for who in (alice, staff, users["community_admin"], users["street_admin"]):
        with pytest.raises(NotAllowed, match="hidden"):
            selectors.vote_results(user=who, vote=vote, now=NOW)
    after = vote.closes_at + dt.timedelta(seconds=1)
    results = selectors.vote_results(user=alice, vote=vote, now=after)
    assert results["total"] == 1 and results["options"][0]["count"] == 1


def test_close_early_then_no_more_ballots(community: Any, staff: Any, alice: Any, bob: Any) -> None:
    vote = _vote(community, staff)
    services.ballot_cast(actor=alice, vote=vote, option=vote.options.first())
    services.vote_close(actor=staff, vote=vote)
    vote.refresh_from_db()
    with pytest.raises(Conflict, match="closed"):
        services.ballot_cast(actor=bob, vote=vote, option=vote.options.first())
    assert selectors.vote_results(user=bob, vote=vote)["total"] == 1


def test_vote_earns_points_without_saying_how(community: Any, staff: Any, alice: Any, earned: list[Any]) -> None:
    vote = _vote(community, staff, secret=True)
    services.ballot_cast(actor=alice, vote=vote, option=vote.options.first(), now=NOW)
    assert earned[0]["rule_code"] == "vote_cast"
    assert earned[0]["idempotency_key"] == f"consultation:vote:{vote.pk}:{alice.resident.pk}"
    assert earned[0]["memo"] == vote.question  # the question asked, never the answer given


def test_a_vote_and_a_meeting_recorded_with_their_time_are_dated_then(community: Any, staff: Any) -> None:
    """Called with `now=` (a past recorded after the fact), a vote and a meeting are created at that moment."""
    then = NOW - dt.timedelta(days=40)
    vote = running_vote(
        community, staff, opens_at=then, closes_at=then + dt.timedelta(days=7), now=then - dt.timedelta(hours=2)
    )
    meeting = tomorrows_meeting(community, staff, [], starts_at=then + dt.timedelta(days=3), now=then)
    vote.refresh_from_db()
    meeting.refresh_from_db()
    assert (vote.created_at, meeting.created_at) == (then - dt.timedelta(hours=2), then)
    fresh = running_vote(community, staff)
    assert abs(fresh.created_at - timezone.now()) < dt.timedelta(minutes=1)  # without `now`, the present
