import datetime as dt

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.notifications.models import Notification
from linli.volunteering import codes, services
from linli.volunteering.models import Activity, Club, ServiceRecord, Team

from .conftest import soon_activity, type_named

pytestmark = pytest.mark.django_db


def test_sign_up_and_check_in_through_the_api_and_bad_codes_answer_clearly(community, organiser, volunteer):
    activity = soon_activity(
        organiser, community, days=1, hours=3, title="义诊", type=type_named(community, "义诊"), capacity=5
    )
    api = client_for(volunteer.user)
    assert [a["id"] for a in api.get("/api/v1/volunteering/activities").json()] == [activity.pk]
    assert api.post(f"/api/v1/volunteering/activities/{activity.pk}/signup").status_code == 201
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3)
    )
    activity.refresh_from_db()
    url = f"/api/v1/volunteering/activities/{activity.pk}/check-in"
    malformed = api.post(url, {"code": "12ab"}, content_type="application/json")
    assert malformed.status_code == 422 and malformed.json()["error"]["fields"]["code"]
    wrong = "000000" if codes.current_code(activity, now) != "000000" else "111111"
    refused = api.post(url, {"code": wrong}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_code"
    assert not ServiceRecord.objects.exists()
    done = api.post(url, {"code": codes.current_code(activity, timezone.now())}, content_type="application/json")
    assert done.status_code == 201 and done.json()["minutes"] == activity.minutes
    assert (
        client_for(volunteer.user)
        .post(f"/api/v1/volunteering/records/{done.json()['id']}/confirm", {}, content_type="application/json")
        .status_code
        == 404
    )
    confirmed = client_for(organiser).post(
        f"/api/v1/volunteering/records/{done.json()['id']}/confirm", {}, content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["points"] == 30
    assert api.get("/api/v1/volunteering/my/years").json()[0]["minutes"] == activity.minutes


def test_a_certificate_downloads_and_verifies(community, organiser, volunteer, activity):
    from linli.volunteering.tests.test_services import AT_START, signed_in

    services.record_confirm(
        actor=organiser, record=signed_in(activity, volunteer), now=AT_START + dt.timedelta(hours=2)
    )
    pdf = client_for(volunteer.user).get("/volunteer/my/certificate/2026.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    cert = volunteer.volunteer_certificates.get()
    assert pdf["Content-Disposition"] == f'inline; filename="volunteer-2026-{cert.serial}.pdf"'
    check = client_for(None).get(f"/volunteer/verify/{cert.serial}/")
    assert check.status_code == 200 and "王**" in check.content.decode()
    assert client_for(None).get("/volunteer/verify/NOPE/").status_code == 404


# --- per community: teams, the organisers' activities, clubs ----------------------------------------------

BASE = "/api/v1/communities/shibei/volunteering"


def _post(user, url, body=None, language="en"):
    return client_for(user, language).post(url, body or {}, content_type="application/json")


def _future(days=5, hours=2):
    start = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return start, start + dt.timedelta(hours=hours)


def test_staff_create_teams_activities_and_clubs_through_the_api_and_each_is_audited(
    community, organiser, volunteer, venue
):
    from linli.audit.models import AuditEntry

    made = _post(organiser, f"{BASE}/teams", {"name": "平安巡防队", "scenario": "governance"})
    assert made.status_code == 201 and made.json()["members"] == 0 and made.json()["scenario"] == "governance"
    team_id = made.json()["id"]
    assert AuditEntry.objects.filter(action="volunteer_team.create", object_id=str(team_id)).exists()
    start, end = _future()
    body = {
        "title": "社区义诊",
        "type_id": type_named(community, "义诊").pk,
        "team_id": team_id,
        "facility_id": venue.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "capacity": 6,
    }
    created = _post(organiser, f"{BASE}/activities", body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["team"], data["place"], data["capacity"]) == ("平安巡防队", venue.name, 6)
    assert AuditEntry.objects.filter(action="activity.create", object_id=str(data["id"])).exists()
    # a time without an offset is read as Beijing time
    day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    naive = {**body, "title": "无时区", "starts_at": f"{day}T09:00:00", "ends_at": f"{day}T10:30:00"}
    local = _post(organiser, f"{BASE}/activities", naive)
    assert local.status_code == 201 and local.json()["starts_at"].startswith(f"{day}T09:00:00+08:00")
    club = _post(organiser, f"{BASE}/clubs", {"name": "布龙社", "schedule": "每周三 19:30", "venue_id": venue.pk})
    assert club.status_code == 201 and club.json()["venue"] == venue.name and club.json()["members"] == 0
    assert AuditEntry.objects.filter(action="club.create", object_id=str(club.json()["id"])).exists()
    listed = client_for(volunteer.user).get(f"{BASE}/clubs").json()
    assert [c["name"] for c in listed] == ["布龙社"]


def test_the_organisers_list_roster_cancel_and_reject_through_the_api(
    community, organiser, volunteer, second_volunteer, django_capture_on_commit_callbacks
):
    from .test_pages import _started_with_record

    full = soon_activity(organiser, community, capacity=1, title="清洁家园")
    services.signup_create(actor=volunteer.user, activity=full, resident=volunteer)
    services.signup_create(actor=second_volunteer.user, activity=full, resident=second_volunteer)
    running = soon_activity(organiser, community, title="文艺汇演")
    record = _started_with_record(running, volunteer)
    api = client_for(organiser)
    rows = {a["id"]: a for a in api.get(f"{BASE}/organised").json()}
    assert (rows[full.pk]["confirmed"], rows[full.pk]["waitlisted"]) == (1, 1)
    assert (rows[running.pk]["pending_records"], rows[running.pk]["pending_minutes"]) == (1, 120)
    assert api.get(f"{BASE}/organised?past=true").json() == []
    roster = api.get(f"{BASE}/activities/{full.pk}/roster").json()
    assert [(r["name"], r["status"]) for r in roster] == [("王志远", "confirmed"), ("李晓梅", "waitlisted")]
    assert api.get(f"{BASE}/activities/{running.pk}/roster").json()[0]["record"]["id"] == record.pk

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = _post(organiser, f"{BASE}/activities/{full.pk}/cancel", {"reason": "场地维修"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["confirmed"] == 0 and cancelled.json()["waitlisted"] == 0
    assert {n.body for n in Notification.objects.filter(title__contains="清洁家园")} == {"场地维修"}
    assert Notification.objects.filter(title__contains="清洁家园").count() == 2

    refused = _post(organiser, f"/api/v1/volunteering/records/{record.pk}/reject", {"reason": ""})
    assert refused.status_code == 422 and refused.json()["error"]["fields"]["reason"]
    rejected = _post(organiser, f"/api/v1/volunteering/records/{record.pk}/reject", {"reason": "提前离开"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected" and rejected.json()["points"] == 0
    again = _post(organiser, f"/api/v1/volunteering/records/{record.pk}/reject", {"reason": "提前离开"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "decided"


def test_residents_join_teams_and_clubs_leaders_appoint_and_book_through_the_api(
    community, organiser, volunteer, second_volunteer, team, club, venue_slot, foreign
):
    from linli.audit.models import AuditEntry

    joined = _post(second_volunteer.user, f"{BASE}/teams/{team.pk}/members")
    assert joined.status_code == 201 and joined.json()["name"] == "李晓梅"
    assert _post(second_volunteer.user, f"{BASE}/teams/{team.pk}/members").status_code == 409
    detail = client_for(second_volunteer.user).get(f"{BASE}/teams/{team.pk}").json()
    assert detail["members"] == 1 and [m["name"] for m in detail["member_list"]] == ["李晓梅"]
    assert client_for(volunteer.user).get(f"{BASE}/teams/{team.pk}").json()["member_list"] is None

    member = _post(second_volunteer.user, f"{BASE}/clubs/{club.pk}/members")
    assert member.status_code == 201
    member_id = member.json()["id"]
    lead_id = club.memberships.get(resident=volunteer).pk
    appointed = client_for(volunteer.user).put(
        f"{BASE}/clubs/{club.pk}/members/{member_id}/leader", {"leader": True}, content_type="application/json"
    )
    assert appointed.status_code == 200 and appointed.json()["leader"] is True
    slots = client_for(volunteer.user).get(f"{BASE}/clubs/{club.pk}/slots").json()
    assert [s["id"] for s in slots] == [venue_slot.pk]
    other = _post(volunteer.user, f"{BASE}/clubs/{club.pk}/bookings", {"slot_id": foreign["slot"].pk})
    assert other.status_code == 404 and other.json()["error"]["fields"]["slot"]
    word = _post(volunteer.user, f"{BASE}/clubs/{club.pk}/bookings", {"slot_id": "一"})
    assert word.status_code == 422 and word.json()["error"]["fields"]["slot_id"] == ["Enter a whole number."]
    assert not club.bookings.exists() and not foreign["slot"].bookings.exists()
    booked = _post(volunteer.user, f"{BASE}/clubs/{club.pk}/bookings", {"slot_id": venue_slot.pk})
    assert booked.status_code == 201 and booked.json()["slot_id"] == venue_slot.pk
    shown = client_for(volunteer.user).get(f"{BASE}/clubs/{club.pk}").json()
    assert [b["slot_id"] for b in shown["bookings"]] == [venue_slot.pk]
    assert {m["id"] for m in shown["member_list"]} == {lead_id, member_id}

    left = client_for(second_volunteer.user).delete(f"{BASE}/clubs/{club.pk}/members/{member_id}")
    assert left.status_code == 204 and not club.memberships.filter(pk=member_id).exists()
    for action in ("volunteer_team.join", "club.join", "club.leader", "club.book_venue", "club.leave"):
        assert AuditEntry.objects.filter(action=action, community=community).exists(), action


def test_a_resident_is_refused_staff_writes_through_the_api_and_nothing_changes(
    community, organiser, volunteer, second_volunteer, club, venue_slot
):
    from linli.audit.models import AuditEntry

    activity = soon_activity(organiser, community)
    member = services.club_join(actor=second_volunteer.user, club=club, resident=second_volunteer)
    lead = club.memberships.get(resident=volunteer)
    audit_before = AuditEntry.objects.count()
    start, end = _future()
    someone = second_volunteer.user
    api = client_for(someone)
    answers = [
        _post(someone, f"{BASE}/teams", {"name": "私建队"}),
        _post(
            someone,
            f"{BASE}/activities",
            {
                "title": "私办",
                "type_id": type_named(community).pk,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "capacity": 3,
            },
        ),
        _post(someone, f"{BASE}/activities/{activity.pk}/cancel", {"reason": "不想办了"}),
        _post(someone, f"{BASE}/clubs", {"name": "私建社"}),
        _post(someone, f"{BASE}/clubs/{club.pk}/bookings", {"slot_id": venue_slot.pk}),
        api.put(f"{BASE}/clubs/{club.pk}/members/{lead.pk}/leader", {"leader": False}, content_type="application/json"),
        api.put(
            f"{BASE}/clubs/{club.pk}/members/{member.pk}/leader", {"leader": True}, content_type="application/json"
        ),
        api.get(f"{BASE}/organised"),
        api.get(f"{BASE}/clubs/{club.pk}/slots"),
    ]
    for answer in answers:
        assert answer.status_code == 403, answer.json()
        assert set(answer.json()) == {"error"} and answer.json()["error"]["code"] == "forbidden"
        assert answer.json()["error"]["message"]
    assert api.get(f"{BASE}/activities/{activity.pk}/roster").status_code == 404
    activity.refresh_from_db()
    lead.refresh_from_db()
    member.refresh_from_db()
    assert activity.status == "published" and lead.leader and not member.leader
    assert not club.bookings.exists() and Club.objects.count() == 1 and not Team.objects.exists()
    assert Activity.objects.count() == 1 and AuditEntry.objects.count() == audit_before


def test_another_communitys_things_are_404_through_the_api(community, organiser, foreign, other_staff):
    from linli.audit.models import AuditEntry

    api = client_for(organiser)
    audit_before = AuditEntry.objects.count()
    start, end = _future()
    answers = [
        api.get(f"{BASE}/teams/{foreign['team'].pk}"),
        _post(organiser, f"{BASE}/teams/{foreign['team'].pk}/members"),
        api.get(f"{BASE}/clubs/{foreign['club'].pk}"),
        _post(organiser, f"{BASE}/clubs/{foreign['club'].pk}/members"),
        api.get(f"{BASE}/activities/{foreign['activity'].pk}/roster"),
        _post(organiser, f"{BASE}/activities/{foreign['activity'].pk}/cancel", {"reason": "越界"}),
        api.get("/api/v1/communities/limin/volunteering/teams"),
        _post(organiser, "/api/v1/communities/limin/volunteering/teams", {"name": "越界队"}),
        _post(
            organiser,
            f"{BASE}/activities",
            {
                "title": "借队",
                "type_id": type_named(community).pk,
                "team_id": foreign["team"].pk,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "capacity": 3,
            },
        ),
    ]
    for answer in answers:
        assert answer.status_code == 404, answer.json()
        assert answer.json()["error"]["code"] in ("not_found", "unknown_community")
    foreign["activity"].refresh_from_db()
    assert foreign["activity"].status == "published" and Team.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before
    assert (
        client_for(other_staff).get(f"/api/v1/communities/limin/volunteering/teams/{foreign['team'].pk}").status_code
        == 200
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_bad_activity_input_through_the_api_is_told_in_the_users_language(community, organiser, language):
    start, end = _future()
    good = {
        "title": "邻里节",
        "type_id": type_named(community).pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "capacity": 5,
    }
    zh = language == "zh-hans"
    cases = [
        ({"title": ""}, 400, "title", "此项必填。" if zh else "This field is required."),
        ({"title": "  "}, 400, "title", "此项必填。" if zh else "This field is required."),
        ({"capacity": 0}, 422, "capacity", "不小于 1" if zh else "at least 1"),
        ({"capacity": -3}, 422, "capacity", "不小于 1" if zh else "at least 1"),
        ({"capacity": "ten"}, 422, "capacity", "整数" if zh else "whole number"),
        ({"ends_at": (start - dt.timedelta(hours=1)).isoformat()}, 400, "ends_at", "晚于" if zh else "end after"),
        ({"type_id": "party"}, 422, "type_id", "整数" if zh else "whole number"),
        ({"starts_at": "tomorrow"}, 422, "starts_at", "ISO 8601 格式" if zh else "ISO 8601 form"),
    ]
    for change, status, field, text in cases:
        answer = _post(organiser, f"{BASE}/activities", {**good, **change}, language)
        assert answer.status_code == status, (change, answer.json())
        error = answer.json()["error"]
        assert field in error["fields"] and text in error["fields"][field][0], (change, error)
    assert not Activity.objects.exists()
