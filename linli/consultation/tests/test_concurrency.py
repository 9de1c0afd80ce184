"""The same person voting or supporting from several devices at once counts once (PostgreSQL)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from linli.consultation import services
from linli.consultation.models import Ballot, ConsultationSettings, Support
from linli.core.errors import DomainError

from .factories import new_household, resident_user, running_vote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(n: int, call: Callable[[], Any]) -> tuple[int, int]:
    barrier = threading.Barrier(n)
    ok, refused = [], []

    def run() -> None:
        try:
            barrier.wait()
            call()
            ok.append(1)
        except DomainError:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(ok), len(refused)


def _vote(community: Any, staff: Any, eligibility: str = "all", secret: bool = True) -> Any:
    return running_vote(community, staff, eligibility=eligibility, secret=secret)


def test_concurrent_ballots_by_one_person_count_once(community: Any, users: dict[str, Any]) -> None:
    voter = resident_user(community)
    vote = _vote(community, users["social_worker"])
    option = vote.options.first()
    ok, refused = _race(6, lambda: services.ballot_cast(actor=voter, vote=vote, option=option))
    assert (ok, refused) == (1, 5)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_concurrent_ballots_by_one_household_count_once(community: Any, users: dict[str, Any]) -> None:
    home = new_household(community)
    members = [resident_user(community, household=home) for _ in range(4)]
    vote = _vote(community, users["social_worker"], eligibility="household", secret=False)
    option = vote.options.first()
    turn = iter(members)
    lock = threading.Lock()

    def cast() -> None:
        with lock:
            member = next(turn)
        services.ballot_cast(actor=member, vote=vote, option=option)

    ok, refused = _race(4, cast)
    assert (ok, refused) == (1, 3)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_concurrent_supports_respect_the_limit(community: Any, users: dict[str, Any]) -> None:
    ConsultationSettings.objects.create(community=community, supports_per_resident=2, agenda_threshold=100)
    author = resident_user(community)
    supporter = resident_user(community)
    matters = [
        services.matter_raise(
            actor=author, community=community, kind="hard", title=f"议题{i}号", body="一件需要协调的事情。"
        )
        for i in range(5)
    ]
    queue = iter(matters)
    lock = threading.Lock()

    def support() -> None:
        with lock:
            matter = next(queue)
        services.matter_support(actor=supporter, matter=matter)

    ok, refused = _race(5, support)
    assert (ok, refused) == (2, 3)
    assert Support.objects.filter(resident=supporter.resident).count() == 2
