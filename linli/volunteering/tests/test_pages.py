"""The organisers' and staff's pages: in Chinese, English and elder mode; each write works and is audited; a
resident is refused staff writes; another community's things are 404; bad input is told and saves nothing."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.facilities.models import Booking
from linli.notifications.models import Notification
from linli.volunteering import codes, services
from linli.volunteering.models import Activity, Club, ClubMember, ServiceRecord, SignUp, Team, TeamMember

from .conftest import soon_activity, type_named

pytestmark = pytest.mark.django_db


def _started_with_record(activity: Activity, volunteer: Any) -> ServiceRecord:
    """Sign the volunteer up, move the activity to have begun ten minutes ago, and check them in."""
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=110)
    )
    activity.refresh_from_db()
    return services.check_in(
        actor=volunteer.user, activity=activity, resident=volunteer, code=codes.current_code(activity, now), now=now
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_every_new_page_renders(
    community, organiser, volunteer, team, club, venue_slot, language: str, elder: bool
) -> None:
    activity = soon_activity(organiser, community, team=team)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    services.team_join(actor=volunteer.user, team=team, resident=volunteer)
    staff_pages = [
        "/volunteer/c/shibei/teams/new/",
        "/volunteer/c/shibei/activities/new/",
        "/volunteer/c/shibei/activities/",
        "/volunteer/c/shibei/activities/?when=past",
        f"/volunteer/c/shibei/activities/{activity.pk}/cancel/",
        "/volunteer/c/shibei/clubs/new/",
        f"/volunteer/activities/{activity.pk}/run/",
    ]
    everyone = [
        "/volunteer/c/shibei/teams/",
        f"/volunteer/c/shibei/teams/{team.pk}/",
        "/volunteer/c/shibei/clubs/",
        f"/volunteer/c/shibei/clubs/{club.pk}/",
    ]
    leader_pages = [f"/volunteer/c/shibei/clubs/{club.pk}/book/"]
    resident_pages = ["/volunteer/", f"/volunteer/activities/{activity.pk}/", "/volunteer/my/"]
    for user, urls in (
        (organiser, staff_pages + everyone + leader_pages),
        (volunteer.user, everyone + leader_pages + resident_pages),
    ):
        c = client_for(user, language)
        if elder:
            c.cookies["linli_elder"] = "1"
        for url in urls:
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)
            html = r.content.decode()
            assert ('class="elder' in html) == elder, url
            assert 'href="/volunteer/c/shibei/teams/"' in html, url  # the navigation reaches the new pages
    words = {"zh-hans": ("新建志愿服务队", "新建活动"), "en": ("Volunteer teams", "New activity")}[language]
    html = client_for(organiser, language).get("/volunteer/c/shibei/teams/").content.decode()
    assert words[0] in html and words[1] in html
    booking = client_for(volunteer.user, language).get(f"/volunteer/c/shibei/clubs/{club.pk}/book/").content.decode()
    assert "邻里中心多功能厅" in booking  # the community's free room-booking slots to pick from


def test_the_navigation_shows_organisers_links_only_to_those_who_may_use_them(community, organiser, volunteer):
    staff = client_for(organiser, "en").get("/volunteer/c/shibei/teams/").content.decode()
    assert 'data-testid="nav-organised"' in staff and 'data-testid="nav-new-activity"' in staff
    assert 'data-testid="team-new"' in staff
    resident = client_for(volunteer.user, "en").get("/volunteer/c/shibei/teams/").content.decode()
    assert 'data-testid="nav-organised"' not in resident and 'data-testid="nav-new-activity"' not in resident
    assert 'data-testid="team-new"' not in resident
    assert client_for(volunteer.user).get("/volunteer/c/shibei/activities/").status_code == 403
    community_page = client_for(volunteer.user).get("/communities/shibei/").content.decode()
    assert "/volunteer/c/shibei/teams/" in community_page


def test_staff_create_a_team_an_activity_and_a_club_through_pages_and_each_is_audited(
    community, organiser, team, venue
):
    c = client_for(organiser, "en")
    r = c.post(
        "/volunteer/c/shibei/teams/new/",
        {"name": "柿先锋党员志愿队", "description": "党员先锋", "scenario": "governance", "party_vanguard": "on"},
    )
    made = Team.objects.get(name="柿先锋党员志愿队")
    assert r.status_code == 302 and r["Location"] == f"/volunteer/c/shibei/teams/{made.pk}/"
    assert made.party_vanguard and made.scenario == "governance" and made.community == community
    assert AuditEntry.objects.filter(action="volunteer_team.create", object_id=str(made.pk)).exists()

    start = timezone.localtime() + dt.timedelta(days=5)
    r = c.post(
        "/volunteer/c/shibei/activities/new/",
        {
            "title": "五月义诊",
            "type": type_named(community, "义诊").pk,
            "team": team.pk,
            "facility": venue.pk,
            "place": "",
            "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT11:30"),
            "capacity": "8",
            "description": "测血压、测血糖",
        },
    )
    activity = Activity.objects.get(title="五月义诊")
    assert r.status_code == 302 and r["Location"] == f"/volunteer/activities/{activity.pk}/"
    assert (activity.type.name, activity.team, activity.capacity, activity.minutes) == ("义诊", team, 8, 150)
    assert activity.place == venue.name and activity.organiser == organiser
    assert AuditEntry.objects.filter(action="activity.create", object_id=str(activity.pk)).exists()

    r = c.post(
        "/volunteer/c/shibei/clubs/new/",
        {"name": "乒乓球社", "scenario": "health", "schedule": "每周二、四 19:00", "venue": venue.pk},
    )
    club = Club.objects.get(name="乒乓球社")
    assert r.status_code == 302 and club.venue == venue and club.schedule == "每周二、四 19:00"
    assert AuditEntry.objects.filter(action="club.create", object_id=str(club.pk)).exists()


def test_the_organisers_list_counts_sign_ups_the_waiting_list_and_hours_to_confirm(
    community, organiser, volunteer, second_volunteer
):
    full = soon_activity(organiser, community, capacity=1, title="清洁家园")
    services.signup_create(actor=volunteer.user, activity=full, resident=volunteer)
    services.signup_create(actor=second_volunteer.user, activity=full, resident=second_volunteer)
    running = soon_activity(organiser, community, title="文艺汇演")
    record = _started_with_record(running, volunteer)
    html = client_for(organiser, "en").get("/volunteer/c/shibei/activities/").content.decode()
    assert f'data-testid="confirmed-{full.pk}">1/1<' in html
    assert f'data-testid="waitlisted-{full.pk}">1<' in html
    assert f'data-testid="pending-{running.pk}">1 · 2.0 hours<' in html
    services.record_confirm(actor=organiser, record=record)
    html = client_for(organiser, "en").get("/volunteer/c/shibei/activities/").content.decode()
    assert f'data-testid="pending-{running.pk}">—<' in html


def test_a_resident_joins_a_team_and_a_club_and_leaves_the_club_through_pages(
    community, organiser, second_volunteer, team, club
):
    c = client_for(second_volunteer.user, "en")
    r = c.post(f"/volunteer/c/shibei/teams/{team.pk}/join/", follow=True)
    assert "Welcome to 金童银晚志愿队." in r.content.decode()
    assert 'data-testid="team-member"' in r.content.decode()
    member = TeamMember.objects.get(team=team, resident=second_volunteer)
    assert AuditEntry.objects.filter(action="volunteer_team.join", object_id=str(member.pk), community=community)

    r = c.post(f"/volunteer/clubs/{club.pk}/join/", follow=True)
    assert r.redirect_chain[-1][0] == f"/volunteer/c/shibei/clubs/{club.pk}/"
    mine = ClubMember.objects.get(club=club, resident=second_volunteer)
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{mine.pk}/leave/", follow=True)
    assert "You have left 太极拳社." in r.content.decode()
    assert not ClubMember.objects.filter(pk=mine.pk).exists()
    assert AuditEntry.objects.filter(action="club.leave", object_id=str(mine.pk), community=community).exists()


def test_a_party_member_team_refuses_others_with_a_message(community, organiser, second_volunteer):
    vanguard = services.team_create(actor=organiser, community=community, name="柿先锋", party_vanguard=True)
    r = client_for(second_volunteer.user, "zh-hans").post(f"/volunteer/c/shibei/teams/{vanguard.pk}/join/", follow=True)
    assert "党员" in r.content.decode()
    assert not vanguard.memberships.exists()


def test_an_organiser_cancels_with_a_reason_and_the_volunteers_are_told(
    community, organiser, volunteer, django_capture_on_commit_callbacks
):
    activity = soon_activity(organiser, community)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    c = client_for(organiser, "en")
    r = c.post(f"/volunteer/c/shibei/activities/{activity.pk}/cancel/", {"reason": ""})
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/volunteer/c/shibei/activities/{activity.pk}/cancel/", {"reason": "台风预警，活动顺延"})
    assert r.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED and activity.signed_up == 0
    assert SignUp.objects.get().status == SignUp.Status.CANCELLED
    told = Notification.objects.get(user=volunteer.user)
    assert told.body == "台风预警，活动顺延" and activity.title in told.title
    entry = AuditEntry.objects.get(action="activity.cancel", object_id=str(activity.pk))
    assert entry.after["reason"] == "台风预警，活动顺延"


def test_an_organiser_rejects_hours_from_the_run_page_with_a_reason(
    community, organiser, volunteer, django_capture_on_commit_callbacks
):
    activity = soon_activity(organiser, community)
    record = _started_with_record(activity, volunteer)
    run = client_for(organiser, "en").get(f"/volunteer/activities/{activity.pk}/run/").content.decode()
    assert f'data-testid="reject-{record.pk}"' in run
    r = client_for(organiser, "en").post(f"/volunteer/records/{record.pk}/reject/", {"reason": " "}, follow=True)
    assert "Say why these hours are not confirmed." in r.content.decode()
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(organiser, "en").post(
            f"/volunteer/records/{record.pk}/reject/", {"reason": "未到岗"}, follow=True
        )
    assert "王志远: the hours are not confirmed." in r.content.decode()
    record.refresh_from_db()
    assert record.status == ServiceRecord.Status.REJECTED and record.points == 0 and record.earning is None
    assert Notification.objects.get(user=volunteer.user).body == "未到岗"
    assert AuditEntry.objects.get(action="service_record.reject").after["reason"] == "未到岗"
    # the volunteer may not reject anyone's hours: their own record is not theirs to decide
    assert (
        client_for(volunteer.user).post(f"/volunteer/records/{record.pk}/reject/", {"reason": "x"}).status_code == 404
    )


def test_a_leader_books_a_venue_and_sees_it_on_the_club_page(community, volunteer, club, venue_slot, foreign):
    c = client_for(volunteer.user, "en")
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/book/", {"slot": foreign["slot"].pk})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/book/", {"slot": "abc"})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    assert not Booking.objects.exists()
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/book/", {"slot": venue_slot.pk}, follow=True)
    made = club.bookings.get()
    assert made.booking.slot == venue_slot and made.booking.resident == volunteer
    assert f'data-testid="booking-{made.booking.pk}"' in r.content.decode()
    assert AuditEntry.objects.filter(action="club.book_venue", community=community).exists()
    # the slot is full now: it is no longer offered
    again = c.get(f"/volunteer/c/shibei/clubs/{club.pk}/book/").content.decode()
    assert 'data-testid="empty"' in again


def test_leaders_appoint_leaders_but_not_remove_the_last_and_staff_may(
    community, organiser, volunteer, second_volunteer, club
):
    newcomer = services.club_join(actor=second_volunteer.user, club=club, resident=second_volunteer)
    lead = club.memberships.get(resident=volunteer)
    c = client_for(volunteer.user, "en")
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{lead.pk}/leader/", {"leader": "0"}, follow=True)
    assert "only leader" in r.content.decode()
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{lead.pk}/leave/", follow=True)
    assert "only leader" in r.content.decode()
    lead.refresh_from_db()
    assert lead.leader
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{newcomer.pk}/leader/", {"leader": "maybe"}, follow=True)
    assert "Choose whether this member leads the club." in r.content.decode()
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{newcomer.pk}/leader/", {"leader": "1"}, follow=True)
    assert "李晓梅 now leads the club." in r.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.leader
    assert AuditEntry.objects.filter(action="club.leader", object_id=str(newcomer.pk), community=community).exists()
    staff = client_for(organiser, "en")
    staff.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{newcomer.pk}/leader/", {"leader": "0"})
    staff.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{lead.pk}/leader/", {"leader": "0"})
    assert not club.memberships.filter(leader=True).exists()


def test_a_resident_is_refused_staff_writes_and_nothing_changes(
    community, organiser, volunteer, second_volunteer, club, venue_slot
):
    activity = soon_activity(organiser, community)
    member = services.club_join(actor=second_volunteer.user, club=club, resident=second_volunteer)
    audit_before = AuditEntry.objects.count()
    c = client_for(second_volunteer.user, "en")
    start = timezone.localtime() + dt.timedelta(days=5)
    refused = [
        ("/volunteer/c/shibei/teams/new/", {"name": "私建队"}),
        (
            "/volunteer/c/shibei/activities/new/",
            {
                "title": "私办活动",
                "type": type_named(community).pk,
                "starts_at": start.strftime("%Y-%m-%dT09:00"),
                "ends_at": start.strftime("%Y-%m-%dT10:00"),
                "capacity": "5",
            },
        ),
        ("/volunteer/c/shibei/clubs/new/", {"name": "私建社"}),
        (f"/volunteer/c/shibei/activities/{activity.pk}/cancel/", {"reason": "不想办了"}),
        (f"/volunteer/c/shibei/clubs/{club.pk}/book/", {"slot": venue_slot.pk}),
    ]
    for url, data in refused:
        assert c.get(url).status_code == 403, url
        r = c.post(url, data)
        assert r.status_code == 403, url
    lead = club.memberships.get(resident=volunteer)
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{lead.pk}/leader/", {"leader": "0"}, follow=True)
    assert "community staff appoint club leaders." in r.content.decode()
    r = c.post(f"/volunteer/c/shibei/clubs/{club.pk}/members/{member.pk}/leader/", {"leader": "1"}, follow=True)
    assert r.status_code == 200
    lead.refresh_from_db()
    member.refresh_from_db()
    assert lead.leader and not member.leader
    assert not Team.objects.exists() and Club.objects.count() == 1 and Activity.objects.count() == 1
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED and not Booking.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_another_communitys_team_activity_club_and_records_are_404(community, organiser, foreign, other_community):
    c = client_for(organiser, "en")
    for url in (
        f"/volunteer/c/shibei/teams/{foreign['team'].pk}/",
        f"/volunteer/c/shibei/clubs/{foreign['club'].pk}/",
        f"/volunteer/c/shibei/clubs/{foreign['club'].pk}/book/",
        f"/volunteer/c/shibei/activities/{foreign['activity'].pk}/cancel/",
        "/volunteer/c/limin/teams/",
        f"/volunteer/c/limin/teams/{foreign['team'].pk}/",
        f"/volunteer/c/limin/activities/{foreign['activity'].pk}/cancel/",
        f"/volunteer/activities/{foreign['activity'].pk}/run/",
    ):
        assert c.get(url).status_code == 404, url
    r = c.post(f"/volunteer/c/shibei/activities/{foreign['activity'].pk}/cancel/", {"reason": "越界"})
    assert r.status_code == 404
    assert c.post(f"/volunteer/c/shibei/teams/{foreign['team'].pk}/join/").status_code == 404
    foreign["activity"].refresh_from_db()
    assert foreign["activity"].status == Activity.Status.PUBLISHED
    assert not foreign["team"].memberships.exists()


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("en", ["This field is required.", "greater than or equal to 1", "An activity must end after it starts."]),
        ("zh-hans", ["此项必填。", "大于或等于1", "活动结束时间须晚于开始时间。"]),
    ],
)
def test_bad_activity_input_is_told_in_the_users_language_and_saves_nothing(
    community, organiser, language: str, messages: list[str]
):
    c = client_for(organiser, language)
    start = timezone.localtime() + dt.timedelta(days=5)
    good = {
        "title": "邻里节",
        "type": type_named(community).pk,
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:00"),
        "capacity": "10",
    }
    cases = [
        ({"title": ""}, messages[0]),
        ({"title": "   "}, messages[0]),
        ({"capacity": "0"}, messages[1]),
        ({"capacity": "-4"}, messages[1]),
        ({"ends_at": start.strftime("%Y-%m-%dT08:00")}, messages[2]),
        ({"capacity": "十"}, "整数" if language == "zh-hans" else "Enter a whole number."),
        ({"starts_at": "明天"}, "日期" if language == "zh-hans" else "Enter a valid date/time."),
    ]
    for change, expected in cases:
        r = c.post("/volunteer/c/shibei/activities/new/", {**good, **change})
        html = r.content.decode()
        assert r.status_code == 200 and expected in html, (change, expected)
    assert not Activity.objects.exists()
    assert not AuditEntry.objects.filter(action="activity.create").exists()


def test_a_team_or_club_name_taken_is_told_and_nothing_is_added(community, organiser, team, club):
    c = client_for(organiser, "zh-hans")
    r = c.post("/volunteer/c/shibei/teams/new/", {"name": team.name, "scenario": "neighbourhood"})
    assert r.status_code == 200 and "已有同名的服务队。" in r.content.decode()
    r = c.post("/volunteer/c/shibei/clubs/new/", {"name": club.name, "scenario": "nonsense"})
    assert r.status_code == 200
    assert Team.objects.count() == 1 and Club.objects.count() == 1
