"""Each button on a matter's or a meeting's page posts to its own URL: the right person gets the service's
answer, someone of another community finds nothing there, and nothing is written for them."""

from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.consultation.models import AgendaItem, Ballot, Follow, Matter, Meeting, Registration, Support, Vote

from .factories import resident_user, running_vote, tomorrows_meeting

pytestmark = pytest.mark.django_db

MATTER_BUTTONS = [
    "support/",
    "withdraw/",
    "follow/",
    "unfollow/",
    "agenda/",
    "rate/",
    "answer/",
    "decide/",
    "tasks/new/",
    "tasks/update/",
]
MEETING_BUTTONS = ["register/", "unregister/", "agenda/", "hold/", "minutes/", "cancel/"]


@pytest.fixture
def meeting(community: Any, staff: Any) -> Meeting:
    return tomorrows_meeting(community, staff, [])


def _state() -> tuple[int, ...]:
    return (
        Support.objects.count(),
        Follow.objects.count(),
        Registration.objects.count(),
        AgendaItem.objects.count(),
        Matter.objects.filter(status=Matter.Status.RAISED).count(),
        Meeting.objects.filter(status=Meeting.Status.PLANNED).count(),
    )


def test_resident_buttons_each_do_their_one_thing(community: Any, bob: Any, matter: Matter, meeting: Meeting) -> None:
    c = client_for(bob, "en")
    base = f"/consultation/shibei/matters/{matter.pk}/"
    assert "Thank you for your support." in c.post(base + "support/", follow=True).content.decode()
    assert Support.objects.filter(matter=matter).count() == 1
    assert "Support withdrawn." in c.post(base + "withdraw/", follow=True).content.decode()
    assert Support.objects.filter(matter=matter).count() == 0
    assert "You follow this matter." in c.post(base + "follow/", follow=True).content.decode()
    assert Follow.objects.filter(matter=matter, user=bob).exists()
    assert "You no longer follow this matter." in c.post(base + "unfollow/", follow=True).content.decode()
    assert not Follow.objects.filter(matter=matter, user=bob).exists()
    meeting_base = f"/consultation/shibei/meetings/{meeting.pk}/"
    assert "You are registered." in c.post(meeting_base + "register/", follow=True).content.decode()
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 1
    assert "Registration cancelled." in c.post(meeting_base + "unregister/", follow=True).content.decode()
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 0


def test_staff_buttons_refused_to_a_resident(community: Any, bob: Any, matter: Matter, meeting: Meeting) -> None:
    c = client_for(bob, "en")
    before = _state()
    r = c.post(f"/consultation/shibei/matters/{matter.pk}/agenda/", follow=True)
    assert r.status_code == 200 and 'class="error"' in r.content.decode()
    r = c.post(f"/consultation/shibei/meetings/{meeting.pk}/agenda/", {"matter": matter.pk}, follow=True)
    assert r.status_code == 200 and 'class="error"' in r.content.decode()
    r = c.post(f"/consultation/shibei/meetings/{meeting.pk}/cancel/", {"reason": "天气"}, follow=True)
    assert r.status_code == 200 and 'class="error"' in r.content.decode()
    assert _state() == before


def test_every_button_is_closed_to_other_communities_and_to_get(
    community: Any, other_community: Any, matter: Matter, meeting: Meeting, staff: Any
) -> None:
    outsider = resident_user(other_community)
    before = _state()
    urls = [f"/consultation/shibei/matters/{matter.pk}/{b}" for b in MATTER_BUTTONS]
    urls += [f"/consultation/shibei/meetings/{meeting.pk}/{b}" for b in MEETING_BUTTONS]
    for url in urls:
        assert client_for(outsider, "en").post(url, {"matter": matter.pk}).status_code == 404, url
        assert client_for(None).post(url).status_code == 302, url  # to the login
        assert client_for(staff, "en").get(url).status_code == 405, url
    assert _state() == before


@pytest.fixture
def vote(community: Any, staff: Any) -> Vote:
    return running_vote(community, staff)


def test_a_vote_has_one_url_to_cast_and_one_to_close(community: Any, bob: Any, staff: Any, vote: Vote) -> None:
    base = f"/consultation/shibei/votes/{vote.pk}/"
    page = client_for(bob, "en").get(base).content.decode()
    assert f'action="{base}ballot/"' in page and f'action="{base}close/"' not in page
    assert f'action="{base}close/"' in client_for(staff, "en").get(base).content.decode()
    r = client_for(bob, "en").post(base + "ballot/", {"option": "x"}, follow=True)
    assert "Choose one of this vote&#x27;s options." in r.content.decode() and not Ballot.objects.exists()
    r = client_for(bob, "en").post(base + "close/", follow=True)  # a resident may not close it
    assert r.status_code == 200 and 'class="error"' in r.content.decode()
    r = client_for(bob, "en").post(base + "ballot/", {"option": vote.options.first().pk}, follow=True)
    assert r.redirect_chain[-1][0] == base and "Your vote is counted." in r.content.decode()
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert "The vote is closed." in client_for(staff, "en").post(base + "close/", follow=True).content.decode()
    vote.refresh_from_db()
    assert vote.closes_at <= timezone.now()


def test_vote_buttons_are_closed_to_other_communities_and_to_get(
    community: Any, other_community: Any, staff: Any, vote: Vote
) -> None:
    outsider = resident_user(other_community)
    base = f"/consultation/shibei/votes/{vote.pk}/"
    for url in (base + "ballot/", base + "close/"):
        assert client_for(outsider, "en").post(url, {"option": vote.options.first().pk}).status_code == 404, url
        assert client_for(None).post(url).status_code == 302, url  # to the login
        assert client_for(staff, "en").get(url).status_code == 405, url
    assert client_for(staff, "en").post(base, {"action": "close"}).status_code == 405  # the page only shows
    assert not Ballot.objects.exists() and Vote.objects.get().closes_at > timezone.now()
