"""迁出: kept on the register, no longer a resident anywhere a right comes from living here; undone by a move back."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.people import rules as people_rules
from linli.people import services
from linli.people.models import Resident

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def linked(community, make_user):
    """A resident with an account holding the resident and volunteer roles."""
    user = make_user(Role.RESIDENT, community)
    RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, community=community)
    resident = make_resident(community, name="钱阿姨", birth=dt.date(1950, 2, 2), user=user)
    return resident


@pytest.mark.parametrize(
    ("on", "reason", "field", "en"),
    [
        (dt.date(2999, 1, 1), "搬走", "moved_out_on", "cannot be in the future"),
        (dt.date(1949, 12, 31), "搬走", "moved_out_on", "before the resident was born"),
        (dt.date(2024, 1, 1), "   ", "reason", "Say why the resident moved out"),
    ],
)
def test_a_bad_move_out_is_refused_with_a_clear_message_and_changes_nothing(
    users, community, linked, on, reason, field, en
):
    client = client_for(users["social_worker"], "en")
    response = client.post(
        f"/api/v1/communities/shibei/residents/{linked.pk}/move-out",
        {"moved_out_on": on.isoformat(), "reason": reason},
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    error = response.json()["error"]
    assert field in error["fields"] or reason.strip() == "", error
    if reason.strip():
        assert en in error["message"]
    linked.refresh_from_db()
    assert linked.moved_out_on is None and AuditEntry.objects.count() == 0
    assert RoleAssignment.objects.filter(user=linked.user, community=community).count() == 2


def test_the_page_says_why_a_move_out_is_refused_in_chinese(users, community, linked):
    page = client_for(users["social_worker"]).post(
        f"/people/shibei/residents/{linked.pk}/move-out/", {"moved_out_on": "2999-01-01", "reason": "搬走"}
    )
    assert page.status_code == 400 and "不能是将来" in page.content.decode()


def test_moving_out_takes_the_resident_roles_and_moving_back_gives_them_back(users, community, linked):
    worker = users["social_worker"]
    moved = services.resident_move_out(actor=worker, resident=linked, on=dt.date(2025, 3, 1), reason="随子女去上海")
    assert moved.moved_out_on == dt.date(2025, 3, 1) and "随子女去上海" in moved.note
    assert moved.household_id is not None  # kept, for the record and for an undo
    assert not RoleAssignment.objects.filter(user=linked.user, community=community).exists()
    assert people_rules.resident_in(linked.user, community) is None
    assert people_rules.own_profile(linked.user) == linked  # their own history stays theirs
    entry = AuditEntry.objects.get(action="resident.move_out")
    assert entry.after["roles_removed"] == ["resident", "volunteer"] and entry.after["reason"] == "随子女去上海"
    with pytest.raises(Conflict):
        services.resident_move_out(actor=worker, resident=moved, on=dt.date(2025, 3, 2), reason="again")

    back = services.resident_move_back(actor=worker, resident=moved, reason="录错了")
    assert back.moved_out_on is None
    assert set(RoleAssignment.objects.filter(user=linked.user, community=community).values_list("role", flat=True)) == {
        "resident",
        "volunteer",
    }
    user = type(linked.user).objects.get(pk=linked.user_id)
    assert people_rules.resident_in(user, community) == linked
    assert AuditEntry.objects.get(action="resident.move_back").after["roles_restored"] == ["resident", "volunteer"]
    with pytest.raises(Conflict):
        services.resident_move_back(actor=worker, resident=back)


def test_only_caseworkers_move_residents_out(users, community, linked):
    for role in ("grid_steward", "resident", "operator", "street_admin", "city_admin"):
        with pytest.raises(NotAllowed):
            services.resident_move_out(actor=users[role], resident=linked, on=dt.date(2025, 1, 1), reason="x")
    assert Resident.objects.get(pk=linked.pk).moved_out_on is None


def test_moved_out_residents_leave_the_default_lists_and_household_but_not_the_register(users, community, linked):
    services.resident_move_out(actor=users["social_worker"], resident=linked, on=dt.date(2025, 1, 1), reason="搬走")
    client = client_for(users["social_worker"])
    assert client.get("/api/v1/communities/shibei/residents").json() == []
    gone = client.get("/api/v1/communities/shibei/residents?status=moved_out").json()
    assert [r["moved_out_on"] for r in gone] == ["2025-01-01"]
    household = client.get(f"/api/v1/communities/shibei/households/{linked.household_id}").json()
    assert household["members"] == [] and household["member_count"] == 0
    detail = client.get(f"/people/shibei/residents/{linked.pk}/").content.decode()
    assert "已迁出" in detail or "迁出" in detail


# --- rights lost, history kept, in the services built on the register ---------------------------------------------


def test_a_moved_out_resident_cannot_order_a_meal_but_still_sees_their_past_order(users, community, linked):
    from linli.canteen import selectors as canteen_selectors
    from linli.canteen import services as canteen
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu

    kitchen = make_canteen_with_tarhai_rules(community)
    day = TODAY() + dt.timedelta(days=1)
    past = canteen.meal_order_create(actor=linked.user, menu=make_menu(kitchen, day), resident=linked)
    services.resident_move_out(actor=users["social_worker"], resident=linked, on=TODAY(), reason="搬走")
    user = type(linked.user).objects.get(pk=linked.user_id)
    linked.refresh_from_db()
    with pytest.raises(NotAllowed) as refused:
        canteen.meal_order_create(actor=user, menu=make_menu(kitchen, day + dt.timedelta(days=1)), resident=linked)
    assert refused.value.code == "moved_out"
    with pytest.raises(NotAllowed):  # nor can the front desk order for them
        canteen.meal_order_create(
            actor=users["social_worker"], menu=make_menu(kitchen, day + dt.timedelta(days=2)), resident=linked
        )
    assert canteen_selectors.order_get(user=user, community=community, pk=past.pk) == past


def test_a_moved_out_resident_cannot_support_a_matter_nor_apply_as_merchant(users, community, linked):
    from linli.consultation import services as consultation
    from linli.ledger import rules as ledger_rules

    matter = consultation.matter_raise(
        actor=users["social_worker"],
        community=community,
        kind="urgent",
        title="楼道灯坏了",
        body="三幢二单元楼道灯坏了两周。",
    )
    assert ledger_rules.can_apply_as_merchant(linked.user, community)
    services.resident_move_out(actor=users["social_worker"], resident=linked, on=TODAY(), reason="搬走")
    user = type(linked.user).objects.get(pk=linked.user_id)
    with pytest.raises(DomainError):
        consultation.matter_support(actor=user, matter=matter)
    assert not ledger_rules.can_apply_as_merchant(user, community)
    assert matter.supports.count() == 0


def test_a_moved_out_resident_keeps_their_own_points_page(users, community, linked):
    services.resident_move_out(actor=users["social_worker"], resident=linked, on=TODAY(), reason="搬走")
    user = type(linked.user).objects.get(pk=linked.user_id)
    response = client_for(user).get("/ledger/")
    assert response.status_code == 200  # the statement, not "not linked to a resident"
    page = client_for(user).get("/accounts/me/")
    assert page.status_code == 200 and "迁出日期" in page.content.decode()  # their record, shown as moved out


def test_moved_out_residents_are_not_counted_in_the_population(users, community, linked):
    from linli.cockpit.queries.people import residents

    assert residents(community, TODAY()) == 1
    services.resident_move_out(actor=users["social_worker"], resident=linked, on=TODAY(), reason="搬走")
    assert residents(community, TODAY()) == 0
