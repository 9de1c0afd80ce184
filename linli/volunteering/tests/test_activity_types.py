"""Activity types as a community's data: staff add, rename, retire them and choose their points rule (page and API)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE_AND_ANONYMOUS, client_for
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.ledger import services as ledger
from linli.volunteering import demo, services
from linli.volunteering.catalogue import DEFAULT_TYPES, NAME_OF_KIND, seed_activity_types
from linli.volunteering.models import Activity, ActivityType

from .conftest import soon_activity, type_named

pytestmark = pytest.mark.django_db

BASE = "/api/v1/communities/shibei/volunteering"
JSON = "application/json"


def types_state() -> tuple[Any, ...]:
    return (
        sorted(ActivityType.objects.values_list("community_id", "name", "scenario", "earning_rule", "active")),
        AuditEntry.objects.filter(action__startswith="activity_type").count(),
    )


def test_each_community_starts_with_the_seven_former_kinds_once(community: Any, other_community: Any) -> None:
    seed_activity_types(ActivityType, community.pk)
    seed_activity_types(ActivityType, community.pk)
    names = set(ActivityType.objects.filter(community=community).values_list("name", flat=True))
    assert names == {name for _, name, _ in DEFAULT_TYPES} and len(names) == 7
    assert not ActivityType.objects.filter(community=other_community).exists()
    assert NAME_OF_KIND["clinic"] == "义诊" and NAME_OF_KIND["festival"] == "邻里节"
    assert dict(demo.COMING)["社区义诊"] == "clinic"  # the demo's clinic is filed as a clinic, not a festival


def test_staff_add_rename_retire_and_restore_a_type_on_pages(community: Any, organiser: Any) -> None:
    c = client_for(organiser, "zh-hans")
    page = c.get("/volunteer/c/shibei/activity-types/")
    assert page.status_code == 200 and "义诊" in page.content.decode() and "活动类型" in page.content.decode()
    r = c.post(
        "/volunteer/c/shibei/activity-types/new/",
        {"name": "垃圾分类督导", "scenario": "low_carbon", "earning_rule": "waste_sorting"},
    )
    assert r.status_code == 302 and r["Location"] == "/volunteer/c/shibei/activity-types/"
    made = ActivityType.objects.get(community=community, name="垃圾分类督导")
    assert (made.scenario, made.earning_rule, made.active) == ("low_carbon", "waste_sorting", True)
    assert AuditEntry.objects.filter(action="activity_type.create", object_id=str(made.pk)).exists()
    r = c.post(
        f"/volunteer/c/shibei/activity-types/{made.pk}/",
        {"name": "垃圾分类", "scenario": "low_carbon", "earning_rule": "waste_sorting"},
    )
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.name == "垃圾分类"
    assert c.post(f"/volunteer/c/shibei/activity-types/{made.pk}/retire/").status_code == 302
    made.refresh_from_db()
    assert not made.active
    form = c.get("/volunteer/c/shibei/activities/new/").content.decode()
    assert f'<option value="{made.pk}"' not in form and "义诊" in form
    assert c.post(f"/volunteer/c/shibei/activity-types/{made.pk}/restore/").status_code == 302
    made.refresh_from_db()
    assert made.active
    assert AuditEntry.objects.filter(action="activity_type.update", object_id=str(made.pk)).count() == 3


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("elder", [False, True])
def test_type_pages_render_and_bad_input_is_told_with_nothing_saved(
    community: Any, organiser: Any, language: str, elder: bool
) -> None:
    c = client_for(organiser, language)
    if elder:
        c.cookies["linli_elder"] = "1"
    zh = language == "zh-hans"
    listing = c.get("/volunteer/c/shibei/activity-types/").content.decode()
    assert ("新增活动类型" if zh else "New type of activity") in listing
    assert ('class="elder' in listing) == elder
    kind = type_named(community, "义诊")
    edit = c.get(f"/volunteer/c/shibei/activity-types/{kind.pk}/").content.decode()
    assert "volunteer_hour" in edit and ("志愿服务（每小时）" if zh else "Volunteer hour") in edit
    before = types_state()
    cases = [
        ({"name": "", "scenario": "health", "earning_rule": "volunteer_hour"}, "此项必填" if zh else "required"),
        ({"name": "义诊", "scenario": "health", "earning_rule": "volunteer_hour"}, "已有同名" if zh else "already"),
        ({"name": "新类型", "scenario": "party", "earning_rule": "volunteer_hour"}, "party"),
        ({"name": "新类型", "scenario": "health", "earning_rule": "bonus"}, "bonus"),
        ({"name": "x" * 41, "scenario": "health", "earning_rule": "volunteer_hour"}, "40"),
    ]
    for body, text in cases:
        r = c.post("/volunteer/c/shibei/activity-types/new/", body)
        assert r.status_code == 200 and text in r.content.decode(), (body, text)
    assert types_state() == before


def test_changing_the_points_rule_with_volunteers_signed_up_asks_first(
    community: Any, organiser: Any, volunteer: Any
) -> None:
    kind = type_named(community, "义诊")
    activity = soon_activity(organiser, community, type=kind)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    before = types_state()
    with pytest.raises(services.ConfirmNeeded) as asked:
        services.activity_type_update(actor=organiser, activity_type=kind, earning_rule="activity_attendance")
    assert "1" in str(asked.value.message)
    assert types_state() == before
    c = client_for(organiser, "zh-hans")
    body = {"name": "义诊", "scenario": "health", "earning_rule": "activity_attendance"}
    r = c.post(f"/volunteer/c/shibei/activity-types/{kind.pk}/", body)
    assert r.status_code == 200 and "1 名志愿者" in r.content.decode() and 'type="checkbox"' in r.content.decode()
    assert types_state() == before
    r = c.post(f"/volunteer/c/shibei/activity-types/{kind.pk}/", {**body, "confirm": "on"})
    assert r.status_code == 302
    kind.refresh_from_db()
    assert kind.earning_rule == "activity_attendance"
    # a rename alone needs no confirmation
    services.activity_type_update(actor=organiser, activity_type=kind, name="社区义诊")


def test_hours_earn_points_by_their_types_rule(community: Any, organiser: Any, volunteer: Any) -> None:
    rule = ledger.earning_rule_create(
        actor=organiser, community=community, name="义诊服务", points=15, daily_cap=None, yearly_cap=None
    )
    kind = type_named(community, "义诊")
    services.activity_type_update(actor=organiser, activity_type=kind, earning_rule=rule.code)
    activity = soon_activity(organiser, community, type=kind, hours=2)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    from linli.volunteering import codes

    at = activity.starts_at + dt.timedelta(minutes=5)
    record = services.check_in(
        actor=volunteer.user, activity=activity, resident=volunteer, code=codes.current_code(activity, at), now=at
    )
    done = services.record_confirm(actor=organiser, record=record, now=activity.ends_at)
    assert done.points == 30 and done.earning is not None and done.earning.rule_code == rule.code


def test_a_retired_or_foreign_type_is_refused_for_a_new_activity(
    community: Any, organiser: Any, other_community: Any
) -> None:
    kind = type_named(community, "文艺汇演")
    services.activity_type_update(actor=organiser, activity_type=kind, active=False)
    start = timezone.now() + dt.timedelta(days=3)
    common = {"actor": organiser, "community": community, "title": "汇演", "capacity": 5}
    with pytest.raises(DomainError) as refused:
        services.activity_create(type=kind, starts_at=start, ends_at=start + dt.timedelta(hours=1), **common)
    assert refused.value.field == "type"
    with pytest.raises(NotFound):
        services.activity_create(
            type=type_named(other_community), starts_at=start, ends_at=start + dt.timedelta(hours=1), **common
        )
    assert not Activity.objects.exists()


STAFF = {"grid_steward", "social_worker", "community_admin"}


@pytest.mark.parametrize("role", EVERY_ROLE_AND_ANONYMOUS)
def test_who_sets_up_types_through_the_api_and_the_pages(role_client: Any, community: Any, role: str) -> None:
    kind = type_named(community, "邻里节")
    before = types_state()
    c = role_client(role)
    made = c.post(f"{BASE}/activity-types", {"name": "平安巡防", "scenario": "governance"}, JSON)
    changed = c.patch(f"{BASE}/activity-types/{kind.pk}", {"active": False}, JSON)
    page = c.get("/volunteer/c/shibei/activity-types/")
    if role in STAFF:
        assert made.status_code == 201 and made.json()["name"] == "平安巡防", made.content
        assert changed.status_code == 200 and changed.json()["active"] is False
        assert page.status_code == 200
    else:
        assert made.status_code in (401, 403, 404), (role, made.status_code)
        assert changed.status_code in (401, 403, 404)
        assert page.status_code in (302, 403, 404)
        assert types_state() == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_types_through_the_api_bad_input_and_another_community(
    community: Any, organiser: Any, other_community: Any, language: str
) -> None:
    c = client_for(organiser, language)
    listed = c.get(f"{BASE}/activity-types?active=true").json()
    assert {t["name"] for t in listed} >= {"义诊", "邻里节"} and all(t["active"] for t in listed)
    foreign = type_named(other_community, "义诊")
    before = types_state()
    zh = language == "zh-hans"
    cases = [
        ({"name": ""}, 422, "name"),
        ({"name": "义诊"}, 400, "name"),
        ({"name": "新", "scenario": "party"}, 422, "scenario"),
        ({"name": "新", "earning_rule": "bonus"}, 400, "earning_rule"),
    ]
    for body, status, field in cases:
        r = c.post(f"{BASE}/activity-types", body, JSON)
        assert r.status_code == status and field in r.json()["error"]["fields"], (body, r.content)
    r = c.post(f"{BASE}/activity-types", {"name": "新", "earning_rule": "bonus"}, JSON)
    assert ("积分规则" if zh else "earning rules") in r.json()["error"]["fields"]["earning_rule"][0]
    assert c.patch(f"{BASE}/activity-types/{foreign.pk}", {"name": "越界"}, JSON).status_code == 404
    assert c.get(f"/volunteer/c/shibei/activity-types/{foreign.pk}/").status_code == 404
    assert c.post(f"/volunteer/c/shibei/activity-types/{foreign.pk}/retire/").status_code == 404
    other = "/api/v1/communities/limin/volunteering/activity-types"
    assert c.post(other, {"name": "越界"}, JSON).status_code in (403, 404)
    assert types_state() == before
    with pytest.raises(NotAllowed):
        services.activity_type_create(actor=organiser, community=other_community, name="越界")


def test_changing_the_rule_through_the_api_answers_409_until_confirmed(
    community: Any, organiser: Any, volunteer: Any
) -> None:
    kind = type_named(community, "邻里节")
    activity = soon_activity(organiser, community, type=kind)
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    c = client_for(organiser, "en")
    r = c.patch(f"{BASE}/activity-types/{kind.pk}", {"earning_rule": "activity_attendance"}, JSON)
    assert r.status_code == 409 and r.json()["error"]["code"] == "confirm_needed"
    r = c.patch(f"{BASE}/activity-types/{kind.pk}", {"earning_rule": "activity_attendance", "confirm": True}, JSON)
    assert r.status_code == 200 and r.json()["earning_rule"] == "activity_attendance"
    assert r.json()["activities"] == 1
