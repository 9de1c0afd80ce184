"""Waste-sorting checks: points by the community's rule and its caps, refusals with nothing saved, who may do what,
pages and API, and the cockpit's share of checks sorted correctly."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.cockpit.queries.registry import run_query
from linli.conftest import client_for, make_resident
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.ledger.models import Account, Unit
from linli.ledger.services import earning_rule_get, earning_rule_update
from linli.people.models import Resident
from linli.places.models import Household
from linli.waste.models import SortingCheck
from linli.waste.selectors import households_to_check
from linli.waste.services import sorting_check_record

pytestmark = pytest.mark.django_db

MAY_CHECK = {"grid_steward", "social_worker", "community_admin", "volunteer"}


@pytest.fixture
def home(community):
    household = community.households.first()
    make_resident(community, name="户主", birth=dt.date(1960, 1, 1), seq=1, relation_to_head=Resident.Relation.HEAD)
    make_resident(community, name="长辈", birth=dt.date(1940, 1, 1), seq=2)
    return household


def _living_in(household, name, seq):
    resident = make_resident(household.community, name=name, birth=dt.date(1950, 1, 1), seq=seq)
    Resident.objects.filter(pk=resident.pk).update(household=household)
    return resident


def _balance(resident):
    account = Account.objects.filter(resident=resident, unit=Unit.POINTS).first()
    return account.balance if account else 0


def test_a_correct_check_earns_the_head_points_by_the_rule_and_a_wrong_one_none(home, users):
    steward = users["grid_steward"]
    head = Resident.objects.get(name="户主")
    check = sorting_check_record(actor=steward, household=home, result="correct")
    assert (check.points, check.awarded_to) == (1, head)  # the default rule: 1 point
    assert _balance(head) == 1
    other = Household.objects.create(community=home.community, building=home.building, unit="2单元202")
    _living_in(other, "独居", 3)
    wrong = sorting_check_record(actor=steward, household=other, result="wrong", note="厨余混投")
    assert (wrong.points, wrong.awarded_to) == (0, None)


def test_the_communitys_rule_and_its_daily_cap_apply(home, users, community):
    rule = earning_rule_get(community, "waste_sorting")
    earning_rule_update(actor=users["community_admin"], rule=rule, points=3, daily_cap=2)
    check = sorting_check_record(actor=users["grid_steward"], household=home, result="correct")
    assert check.points == 2  # 3 asked, the daily cap is 2


def test_refusals_save_nothing(home, users, other_community):
    steward = users["grid_steward"]
    today = timezone.localdate()
    for kwargs, error in [
        ({"result": "great"}, DomainError),
        ({"result": "correct", "on": today + dt.timedelta(days=1)}, DomainError),
        ({"result": "correct", "on": today - dt.timedelta(days=8)}, DomainError),
        ({"result": "correct", "note": "长" * 201}, DomainError),
    ]:
        with pytest.raises(error):
            sorting_check_record(actor=steward, household=home, **kwargs)
    assert not SortingCheck.objects.exists()
    sorting_check_record(actor=steward, household=home, result="correct")
    with pytest.raises(Conflict, match="已检查过"):
        sorting_check_record(actor=users["volunteer"], household=home, result="wrong")
    assert SortingCheck.objects.count() == 1
    assert _balance(Resident.objects.get(name="户主")) == 1
    empty = Household.objects.create(community=home.community, building=home.building, unit="空户")
    with pytest.raises(DomainError, match="无人居住"):
        sorting_check_record(actor=steward, household=empty, result="correct")


@pytest.mark.parametrize(
    "role",
    ["resident", "volunteer", "grid_steward", "social_worker", "community_admin", "merchant_staff", "operator",
     "street_admin", "city_viewer", "outsider"],
)  # fmt: skip
def test_who_may_check_on_the_page_the_api_and_the_service(home, users, role):
    user = users[role]
    allowed = role in MAY_CHECK
    client = client_for(user)
    page = client.get(f"/waste/shibei/?building={home.building_id}")
    assert (page.status_code == 200) == allowed
    answer = client.post(
        "/api/v1/communities/shibei/waste-checks",
        {"household_id": home.pk, "result": "correct"},
        content_type="application/json",
    )
    assert (answer.status_code == 201) == allowed, answer.content
    if not allowed:
        assert answer.status_code in (403, 404)
        with pytest.raises(NotAllowed):
            sorting_check_record(actor=user, household=home, result="correct")
        assert not SortingCheck.objects.exists()


def test_another_communitys_household_is_not_found(home, users, other_community):
    stranger = Household.objects.create(
        community=other_community, building=other_community.households.first().building, unit="9单元999"
    )
    answer = client_for(users["grid_steward"]).post(
        "/api/v1/communities/shibei/waste-checks",
        {"household_id": stranger.pk, "result": "correct"},
        content_type="application/json",
    )
    assert answer.status_code == 404
    page = client_for(users["grid_steward"]).post(
        f"/waste/shibei/households/{stranger.pk}/check/", {"result": "correct"}
    )
    assert page.status_code == 404
    assert not SortingCheck.objects.exists()


def test_the_page_records_a_check_in_chinese_and_a_volunteer_sees_only_their_own(home, users):
    steward = client_for(users["grid_steward"])
    answer = steward.post(f"/waste/shibei/households/{home.pk}/check/", {"result": "correct"}, follow=True)
    text = answer.content.decode()
    assert "1 积分给户主" in text, text[:3000]
    listing = client_for(users["volunteer"]).get("/api/v1/communities/shibei/waste-checks").json()
    assert listing == []  # the volunteer recorded none
    all_of_them = steward.get("/api/v1/communities/shibei/waste-checks").json()
    assert [(c["result"], c["result_label"], c["points"]) for c in all_of_them] == [("correct", "分类准确", 1)]
    bad = steward.post(f"/waste/shibei/households/{home.pk}/check/", {"result": "wrong"}, follow=True)
    assert "已检查过" in bad.content.decode()


def test_the_cockpit_reads_the_share_sorted_correctly(home, users, community):
    month = timezone.localdate().replace(day=1)
    assert run_query("waste_sorted_correctly", community, month) is None
    steward = users["grid_steward"]
    sorting_check_record(actor=steward, household=home, result="correct")
    for unit, result in [("2", "partly"), ("3", "correct"), ("4", "wrong")]:
        h = Household.objects.create(community=community, building=home.building, unit=f"{unit}单元")
        _living_in(h, f"住户{unit}", 10 + int(unit))
        sorting_check_record(actor=steward, household=h, result=result)
    assert run_query("waste_sorted_correctly", community, month) == 50.0


def test_the_check_list_shows_each_household_once_in_natural_room_order(home, users, community):
    for unit, seq in [("10单元", 20), ("2单元", 22)]:
        h = Household.objects.create(community=community, building=home.building, unit=unit)
        _living_in(h, f"住户{seq}", seq)
        _living_in(h, f"住户{seq + 1}", seq + 1)  # two people living there: still one row
    rows = households_to_check(
        user=users["grid_steward"], community=community, building=home.building, day=timezone.localdate()
    )
    units = [row.household.unit for row in rows]
    assert len(units) == len(set(units))
    assert units.index("2单元") < units.index("10单元")
