"""Signing residents up on their behalf (代报名), from the organiser's page and the API: found by name or the last
four digits of the mobile, or from the team's list; those ticked get the free places in turn and the others wait.
A volunteer cannot sign others up, another community's activity or resident is not found, and a refusal signs up
nobody."""

from typing import Any

import pytest

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.volunteering import services
from linli.volunteering.models import Activity, SignUp

from .conftest import soon_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(organiser: Any, community: Any) -> Activity:
    """An activity with two places."""
    return soon_activity(organiser, community, title="重阳节敬老义诊", capacity=2)


@pytest.fixture
def elders(community: Any) -> list[Any]:
    """Three elders who asked at the desk; the third has a mobile ending in 4321."""
    return [
        make_resident(community, name="张桂英", seq=41),
        make_resident(community, name="张德福", seq=42),
        make_resident(community, name="陈阿婆", seq=43, mobile="13900004321"),
    ]


@pytest.mark.parametrize(
    ("language", "heading", "said", "waiting", "none_ticked"),
    [
        ("zh-hans", "代居民报名", "已报名：张德福、张桂英。候补：陈阿婆。", "候补：李大爷。", "请勾选要报名的居民。"),
        (
            "en",
            "Sign residents up",
            "Signed up: 张德福, 张桂英. On the waiting list: 陈阿婆.",
            "On the waiting list: 李大爷.",
            "Tick the residents to sign up.",
        ),
    ],
)
def test_the_organiser_finds_elders_ticks_them_and_sees_who_has_a_place_and_who_waits(
    organiser, community, small, elders, language, heading, said, waiting, none_ticked
):
    page = client_for(organiser, language)
    page.cookies["linli_elder"] = "1"  # large text: the same search, list and button
    here = f"/volunteer/activities/{small.pk}/sign-up-others/"
    assert f'href="{here}"' in page.get(f"/volunteer/activities/{small.pk}/").content.decode()
    assert f'href="{here}"' in page.get(f"/volunteer/activities/{small.pk}/run/").content.decode()
    html = page.get(here).content.decode()
    assert heading in html and 'data-testid="candidates"' not in html  # no team: search first
    found = page.get(here, {"q": "张"}).content.decode()
    assert all(f'value="{e.pk}"' in found for e in elders[:2]) and f'value="{elders[2].pk}"' not in found
    by_mobile = page.get(here, {"q": "4321"}).content.decode()
    assert f'value="{elders[2].pk}"' in by_mobile and f'value="{elders[0].pk}"' not in by_mobile

    nothing = page.post(here, {"q": "张"}, follow=True)
    assert none_ticked in nothing.content.decode() and nothing.redirect_chain[-1][0] == f"{here}?q=%E5%BC%A0"
    assert not SignUp.objects.exists()

    done = page.post(here, {"resident": [elders[1].pk, elders[0].pk, elders[2].pk]}, follow=True).content.decode()
    assert said in done
    statuses = dict(SignUp.objects.values_list("resident__name", "status"))
    assert statuses == {"张德福": "confirmed", "张桂英": "confirmed", "陈阿婆": "waitlisted"}
    assert f'data-testid="signed-up-{elders[2].pk}"' in done
    again = page.get(here, {"q": "张"}).content.decode()
    assert f'value="{elders[0].pk}"' not in again  # on the list already: not offered again
    late = make_resident(community, name="李大爷", seq=44)
    assert waiting in page.post(here, {"resident": [late.pk]}, follow=True).content.decode()


def test_those_ticked_stay_chosen_when_the_organiser_searches_again(organiser, small, elders, volunteer):
    services.signup_create(actor=volunteer.user, activity=small, resident=volunteer)
    page = client_for(organiser)
    here = f"/volunteer/activities/{small.pk}/sign-up-others/"
    zhang, chen = elders[0], elders[2]
    assert 'data-testid="chosen"' not in page.get(here, {"q": "张"}).content.decode()

    searched = page.post(here, {"q": "4321", "search": "1", "resident": [zhang.pk, volunteer.pk]}, follow=True)
    assert searched.redirect_chain[-1][0] == f"{here}?q=4321&chosen={zhang.pk}&chosen={volunteer.pk}"
    html = searched.content.decode()
    chosen, candidates = html.split('data-testid="chosen"')[1].split('data-testid="candidates"')
    assert "已选" in html and f'value="{zhang.pk}" id="r{zhang.pk}" checked' in chosen
    assert f'value="{volunteer.pk}"' not in html  # on the list already: not chosen again
    assert f'value="{chen.pk}"' in candidates and f'value="{zhang.pk}"' not in candidates
    assert html.count(f'id="r{zhang.pk}"') == 1

    page.post(here, {"q": "4321", "resident": [zhang.pk, chen.pk]}, follow=True)
    statuses = dict(SignUp.objects.filter(activity=small).values_list("resident", "status"))
    assert statuses == {volunteer.pk: "confirmed", zhang.pk: "confirmed", chen.pk: "waitlisted"}

    unticked = page.post(here, {"q": "张", "search": "1"}, follow=True)
    assert unticked.redirect_chain[-1][0] == f"{here}?q=%E5%BC%A0"
    assert 'data-testid="chosen"' not in unticked.content.decode()
    assert page.get(here, {"chosen": "abc"}).status_code == 404


def test_without_a_search_the_page_lists_the_activitys_team(organiser, community, team, volunteer, elders):
    services.team_join(actor=volunteer.user, team=team, resident=volunteer)
    activity = soon_activity(organiser, community, team=team)
    html = client_for(organiser).get(f"/volunteer/activities/{activity.pk}/sign-up-others/").content.decode()
    assert f"{team.name}的队员" in html and f'value="{volunteer.pk}"' in html
    assert not any(f'value="{e.pk}"' in html for e in elders)


def test_a_long_list_says_only_the_first_are_shown(organiser, small, elders, monkeypatch):
    from linli.volunteering import selectors

    page = client_for(organiser)
    here = f"/volunteer/activities/{small.pk}/sign-up-others/"
    assert "只显示前" not in page.get(here, {"q": "张"}).content.decode()
    monkeypatch.setattr(selectors, "SIGNUP_CANDIDATES", 1)
    html = page.get(here, {"q": "张"}).content.decode()
    assert "只显示前 1 位" in html and html.count('name="resident"') == 1


def test_one_refused_resident_signs_up_nobody(organiser, small, elders, volunteer):
    services.signup_create(actor=volunteer.user, activity=small, resident=volunteer)
    page = client_for(organiser)
    refused = page.post(
        f"/volunteer/activities/{small.pk}/sign-up-others/", {"resident": [elders[0].pk, volunteer.pk]}, follow=True
    ).content.decode()
    assert f"{volunteer.name} 已报名。" in refused
    assert list(SignUp.objects.values_list("resident", flat=True)) == [volunteer.pk]
    small.refresh_from_db()
    assert small.signed_up == 1


def test_a_volunteer_cannot_sign_others_up_and_nothing_changes(volunteer, small, elders):
    own = client_for(volunteer.user, "en")
    here = f"/volunteer/activities/{small.pk}/sign-up-others/"
    assert own.get(here).status_code == 404
    assert 'data-testid="sign-up-others"' not in own.get(f"/volunteer/activities/{small.pk}/").content.decode()
    assert own.post(here, {"resident": [elders[0].pk]}).status_code == 404
    api = own.post(
        f"/api/v1/volunteering/activities/{small.pk}/signups",
        {"resident_ids": [elders[0].pk]},
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json()["error"]["message"] == "No such activity."
    assert not SignUp.objects.exists()


def test_another_communitys_activity_or_resident_is_not_found(organiser, other_community, foreign, small, elders):
    stranger = make_resident(other_community, name="利民居民", seq=51)
    page = client_for(organiser)
    theirs = f"/volunteer/activities/{foreign['activity'].pk}/sign-up-others/"
    assert page.get(theirs).status_code == 404
    assert page.post(theirs, {"resident": [elders[0].pk]}).status_code == 404
    assert (
        stranger.name
        not in page.get(f"/volunteer/activities/{small.pk}/sign-up-others/", {"q": "利民"}).content.decode()
    )
    mixed = page.post(
        f"/volunteer/activities/{small.pk}/sign-up-others/", {"resident": [elders[0].pk, stranger.pk]}, follow=True
    )
    assert "本社区没有这位居民。" in mixed.content.decode()
    assert page.post(f"/volunteer/activities/{small.pk}/sign-up-others/", {"resident": ["x"]}).status_code == 404
    api = client_for(organiser, "en")
    for pk, ids in [(foreign["activity"].pk, [elders[0].pk]), (small.pk, [elders[0].pk, stranger.pk])]:
        r = api.post(
            f"/api/v1/volunteering/activities/{pk}/signups", {"resident_ids": ids}, content_type="application/json"
        )
        assert r.status_code == 404
    assert not SignUp.objects.exists()


def test_signing_up_through_the_api(organiser, community, small, elders):
    url = f"/api/v1/volunteering/activities/{small.pk}/signups"
    zh = client_for(organiser).post(url, {"resident_ids": []}, content_type="application/json")
    assert zh.status_code == 422
    made = client_for(organiser, "en").post(
        url, {"resident_ids": [e.pk for e in elders]}, content_type="application/json"
    )
    assert made.status_code == 201
    assert [(s["resident_id"], s["name"], s["status"]) for s in made.json()] == [
        (elders[0].pk, "张桂英", "confirmed"),
        (elders[1].pk, "张德福", "confirmed"),
        (elders[2].pk, "陈阿婆", "waitlisted"),
    ]
    assert AuditEntry.objects.filter(action="activity.signup", community=community).count() == 3
    twice = client_for(organiser).post(url, {"resident_ids": [elders[0].pk]}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["error"]["message"] == "张桂英 已报名。"
    assert SignUp.objects.count() == 3
