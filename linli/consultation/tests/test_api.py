"""The API: the same rules, one error shape, refusals that change nothing, hidden results stay hidden."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.consultation import services
from linli.consultation.models import Ballot, ConsultationSettings, Matter, Support

from .factories import resident_user, tomorrows_meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/communities/shibei/consultation"


def test_raise_support_and_limit(community: Any, alice: Any, bob: Any) -> None:
    ConsultationSettings.objects.create(community=community, supports_per_resident=1, agenda_threshold=2)
    c = client_for(bob, "en")
    r = client_for(alice).post(
        f"{API}/matters",
        {"kind": "urgent", "title": "路灯不亮", "body": "小区西侧路灯不亮已一周。"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    first = r.json()["id"]
    second = services.matter_raise(
        actor=alice, community=community, kind="hard", title="垃圾房异味", body="垃圾房夏天异味很重。"
    )
    r = c.post(f"{API}/matters/{first}/support")
    assert r.status_code == 201 and r.json()["support_count"] == 1
    r = c.post(f"{API}/matters/{second.pk}/support")
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == "support_limit" and "most this community allows" in body["message"]
    assert not Support.objects.filter(matter=second).exists()
    detail = c.get(f"{API}/matters/{first}").json()
    assert detail["supported"] is True and detail["following"] is True


def test_other_community_sees_nothing(community: Any, other_community: Any, matter: Any) -> None:
    outsider = resident_user(other_community)
    assert client_for(outsider).get(f"{API}/matters").status_code == 404
    assert client_for(outsider).post(f"{API}/matters/{matter.pk}/support").status_code == 404
    assert client_for(None).get(f"{API}/matters").status_code == 401


def test_hidden_results_and_vote_after_close(community: Any, staff: Any, alice: Any, bob: Any) -> None:
    now = timezone.now()
    r = client_for(staff).post(
        f"{API}/votes",
        {
            "question": "是否同意更换物业？",
            "options": ["同意", "不同意"],
            "eligibility": "all",
            "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
            "hide_results": True,
            "secret": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    vote = r.json()
    option = vote["options"][0]["id"]
    assert (
        client_for(alice)
        .post(f"{API}/votes/{vote['id']}/ballots", {"option_id": option}, content_type="application/json")
        .status_code
        == 201
    )
    for who in (alice, staff):
        seen = client_for(who).get(f"{API}/votes/{vote['id']}").json()
        assert seen["results"] is None and seen["total"] is None
        listed = client_for(who).get(f"{API}/votes").json()
        assert listed[0]["results"] is None
    assert client_for(alice).get(f"{API}/votes/{vote['id']}").json()["has_voted"] is True
    closed = client_for(staff).post(f"{API}/votes/{vote['id']}/close").json()
    assert closed["phase"] == "closed" and closed["results"][0]["count"] == 1
    r = client_for(bob, "en").post(
        f"{API}/votes/{vote['id']}/ballots", {"option_id": option}, content_type="application/json"
    )
    assert r.status_code == 409
    assert r.json()["error"] == {
        "code": "vote_closed",
        "message": "This vote has closed; no more ballots are taken.",
        "fields": {},
    }
    assert Ballot.objects.count() == 1
    zh = client_for(bob, "zh-hans").post(
        f"{API}/votes/{vote['id']}/ballots", {"option_id": option}, content_type="application/json"
    )
    assert zh.json()["error"]["message"] != "This vote has closed; no more ballots are taken."


def test_minutes_before_held_refused(community: Any, staff: Any) -> None:
    meeting = tomorrows_meeting(community, staff, [])
    r = client_for(staff, "en").put(
        f"{API}/meetings/{meeting.pk}/minutes",
        {"minutes": "讨论了很多事情，形成了若干决定，详见附件。"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "meeting_not_held"
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_resident_cannot_manage(community: Any, alice: Any, matter: Any) -> None:
    r = client_for(alice).post(f"{API}/matters/{matter.pk}/agenda")
    assert r.status_code == 403
    matter.refresh_from_db()
    assert matter.status == Matter.Status.RAISED
    r = client_for(alice).put(
        f"{API}/settings",
        {"supports_per_resident": 50, "agenda_threshold": 1, "one_support_per_household": True},
        content_type="application/json",
    )
    assert r.status_code == 403 and not ConsultationSettings.objects.exists()


@pytest.mark.parametrize("threshold", [2**31, 2**63, 10**30, 100_001])
def test_a_threshold_too_large_is_refused_on_the_page_and_the_api(
    community: Any, users: dict[str, Any], threshold: int
) -> None:
    admin = client_for(users["community_admin"], "en")
    api = admin.put(
        f"{API}/settings",
        {"supports_per_resident": 5, "agenda_threshold": threshold, "one_support_per_household": False},
        content_type="application/json",
    )
    assert api.status_code in (400, 422)
    assert "agenda_threshold" in api.json()["error"]["fields"]
    page = admin.post("/consultation/shibei/settings/", {"supports_per_resident": 5, "agenda_threshold": threshold})
    assert page.status_code == 200
    assert "100000" in page.content.decode() or "100,000" in page.content.decode()
    assert not ConsultationSettings.objects.exists()


def test_the_largest_threshold_is_accepted(community: Any, users: dict[str, Any]) -> None:
    r = client_for(users["community_admin"]).put(
        f"{API}/settings",
        {"supports_per_resident": 5, "agenda_threshold": 100_000, "one_support_per_household": False},
        content_type="application/json",
    )
    assert r.status_code == 200 and ConsultationSettings.objects.get().agenda_threshold == 100_000
