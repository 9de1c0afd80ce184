"""My personal data page in every language and in elder mode; a copy holds the records of each service."""

import datetime as dt
import json

import pytest

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.home import personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(community, make_user):
    user = make_user(Role.RESIDENT, community)
    return make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), user=user)


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "我的个人信息"), ("en", "My personal data")])
def test_the_page_reads_in_each_language_and_in_elder_mode(me, language, heading):
    client = client_for(me.user, language)
    client.cookies["linli_elder"] = "1"
    body = client.get("/accounts/me/data/").content.decode()
    assert heading in body and 'class="elder"' in body
    assert "snake_case" not in body and "delete_request" not in body


def test_an_account_without_a_register_record_downloads_its_account_only(make_user):
    user = make_user()
    body = json.loads(client_for(user).get("/accounts/me/data/download.json").content)
    assert [s["key"] for s in body["sections"]] == ["account", "reports", "childcare", "fund"]
    page = client_for(user).get("/accounts/me/data/").content.decode()
    assert "申请删除" not in page  # nothing on the register to delete


def test_the_copy_has_the_residents_meals_and_points(users, community, me):
    from linli.canteen import services as canteen
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu

    kitchen = make_canteen_with_tarhai_rules(community)
    canteen.meal_order_create(
        actor=me.user, menu=make_menu(kitchen, dt.date.today() + dt.timedelta(days=1)), resident=me
    )
    sections = {s.key: s for s in personal_data.personal_data(user=me.user)}
    assert len(sections["meals"].rows) == 1 and sections["profile"].rows[0][1] == "钱阿姨"
    assert all(len(row) == len(s.headers) for s in sections.values() for row in s.rows)


def test_a_moved_out_resident_is_not_offered_the_round_table(users, community, me):
    from linli.people import services

    services.resident_move_out(actor=users["social_worker"], resident=me, on=dt.date.today(), reason="搬走")
    me.user.refresh_from_db()
    page = client_for(me.user).get("/").content.decode()
    assert "民情圆桌会" not in page
