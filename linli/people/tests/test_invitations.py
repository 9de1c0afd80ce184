"""Staff invite a building's (or a tag's) residents to sign up by SMS, and see who has activated."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE, client_for, make_resident
from linli.core.errors import DomainError
from linli.notifications.sms import LocmemSMSBackend
from linli.people import idnumber, invitation_selectors, services
from linli.people.models import Invitation, SensitiveTag
from linli.places.models import Building

pytestmark = pytest.mark.django_db

ALLOWED = {"social_worker", "community_admin"}


@pytest.fixture
def building(community):
    return Building.objects.get(community=community)


@pytest.fixture
def register(community, make_user):
    """On the building: two to invite, one without a mobile, one with an account, one moved out."""
    return {
        "a": make_resident(community, name="甲", seq=11, mobile="13711110001"),
        "b": make_resident(community, name="乙", seq=12, mobile="13711110002"),
        "nomobile": make_resident(community, name="丙", seq=13),
        "account": make_resident(community, name="丁", seq=14, mobile="13711110004", user=make_user()),
        "gone": make_resident(community, name="戊", seq=15, mobile="13711110005", moved_out_on=dt.date(2025, 1, 1)),
    }


def send(client, code, building):  # type: ignore[no-untyped-def]
    return client.post(f"/people/{code}/invitations/", {"building": building.pk})


def test_preview_then_send_by_page_and_activation_counts(
    users, community, building, register, django_capture_on_commit_callbacks
):
    client = client_for(users["social_worker"])
    preview = client.get(f"/people/{community.code}/invitations/", {"building": building.pk})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "甲" in body and "乙" in body and "丙" not in body and "丁" not in body and "戊" not in body
    assert "2 位居民收到短信" in body
    assert Invitation.objects.count() == 0 and LocmemSMSBackend.outbox == []  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, community.code, building)
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("resident__name", flat=True)) == {"甲", "乙"}
    sms = sorted(LocmemSMSBackend.outbox, key=lambda m: m.mobile)
    assert [m.mobile for m in sms] == ["13711110001", "13711110002"]
    assert "市北社区邀请您" in sms[0].text and "/accounts/signup/" in sms[0].text and len(sms[0].text) <= 70
    entry = AuditEntry.objects.get(action="invitation.send")
    assert entry.after["count"] == 2 and entry.actor_id == users["social_worker"].pk

    # 甲 signs up and verifies: the activation page counts it.
    user = users["outsider"]
    services.resident_verify(
        actor=user, name="甲", id_number=idnumber.make_id_number("330109", dt.date(1950, 3, 8), 11)
    )
    rows = invitation_selectors.invitation_activation(user=users["community_admin"], community=community)
    assert [(r.residents, r.invited, r.activated, r.with_account) for r in rows] == [(4, 2, 1, 2)]
    page = client_for(users["community_admin"]).get(f"/people/{community.code}/invitations/activation/")
    assert page.status_code == 200 and building.name in page.content.decode()


def test_nobody_is_invited_twice_within_a_day(users, community, building, register, django_capture_on_commit_callbacks):
    now = timezone.now()
    audience = invitation_selectors.Audience(building=building)
    actor = users["community_admin"]
    assert len(services.invitations_send(actor=actor, community=community, audience=audience, now=now)) == 2
    preview = invitation_selectors.invitation_preview(user=actor, community=community, audience=audience, now=now)
    assert preview.recipients == [] and preview.recently_invited == 2 and preview.without_mobile == 1
    with pytest.raises(DomainError) as nobody:
        services.invitations_send(actor=actor, community=community, audience=audience, now=now + dt.timedelta(hours=23))
    assert nobody.value.code == "nobody" and Invitation.objects.count() == 2
    later = services.invitations_send(
        actor=actor, community=community, audience=audience, now=now + dt.timedelta(hours=25)
    )
    assert len(later) == 2 and Invitation.objects.count() == 4


def test_tags_only_for_those_who_may_see_them_and_bad_choices(users, community, other_community, register):
    tag = SensitiveTag.objects.get(code="elderly_living_alone")
    register["a"].tags.add(tag)
    actor = users["social_worker"]
    audience = invitation_selectors.audience_get(user=actor, community=community, tag=tag.code)
    preview = invitation_selectors.invitation_preview(user=actor, community=community, audience=audience)
    assert [r.name for r in preview.recipients] == ["甲"]
    elsewhere = Building.objects.get(community=other_community)
    client = client_for(actor)
    for data in (
        {"building": elsewhere.pk},
        {},
        {"building": Building.objects.get(community=community).pk, "tag": tag.code},
    ):
        response = client.post(f"/people/{community.code}/invitations/", data)
        assert response.status_code == 200 and "form" in response.content.decode()
    api = client_for(actor, language="en")
    bad = api.post(
        f"/api/v1/communities/{community.code}/invitations",
        {"building_id": elsewhere.pk},
        content_type="application/json",
    )
    assert bad.status_code == 404
    none = api.post(f"/api/v1/communities/{community.code}/invitations", {}, content_type="application/json")
    assert none.status_code == 400 and "building or a tag" in none.json()["error"]["message"]
    assert Invitation.objects.count() == 0


def test_api_dry_run_send_and_activation(users, community, building, register, django_capture_on_commit_callbacks):
    api = client_for(users["community_admin"])
    url = f"/api/v1/communities/{community.code}/invitations"
    dry = api.post(url, {"building_id": building.pk, "dry_run": True}, content_type="application/json")
    assert dry.status_code == 200 and dry.json()["sent"] == 0 and len(dry.json()["recipients"]) == 2
    assert dry.json()["recipients"][0]["mobile"].count("*") == 4  # masked
    assert Invitation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(url, {"building_id": building.pk}, content_type="application/json")
    assert sent.status_code == 201 and sent.json()["sent"] == 2 and len(LocmemSMSBackend.outbox) == 2
    again = api.post(url, {"building_id": building.pk}, content_type="application/json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "nobody"
    activation = api.get(url).json()
    assert activation["buildings"][0] | {"invited": 2, "activated": 0} == activation["buildings"][0]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_permission_matrix_for_every_page_and_endpoint(role, users, community, building, register):
    client = client_for(users[role])
    code = community.code
    answers = [
        client.get(f"/people/{code}/invitations/").status_code,
        client.get(f"/people/{code}/invitations/", {"building": building.pk}).status_code,
        client.post(f"/people/{code}/invitations/", {"building": building.pk}).status_code,
        client.get(f"/people/{code}/invitations/activation/").status_code,
        client.get(f"/api/v1/communities/{code}/invitations").status_code,
        client.post(
            f"/api/v1/communities/{code}/invitations", {"building_id": building.pk}, content_type="application/json"
        ).status_code,
    ]
    linked = 'href="/people/shibei/invitations/"' in client.get(f"/communities/{code}/").content.decode()
    assert linked == (role in ALLOWED)
    if role in ALLOWED:
        assert answers == [200, 200, 302, 200, 200, 400]  # the API's send finds everyone invited by the page
        assert Invitation.objects.count() == 2
    else:
        assert all(a in (403, 404) for a in answers), answers
        assert Invitation.objects.count() == 0 and LocmemSMSBackend.outbox == []
