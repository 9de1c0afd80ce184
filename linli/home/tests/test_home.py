"""The resident's home (tiles, unread notices, today's plans) and 我的 (every personal record, one tap away)."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.home.selectors import due_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(community, make_user):
    user = make_user(Role.RESIDENT, community)
    return make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), seq=5, user=user)


def test_the_home_offers_a_tile_for_each_everyday_service(me, community):
    page = client_for(me.user).get("/").content.decode()
    for url in (
        f"/canteen/{community.code}/",
        f"/reports/{community.code}/new/",
        "/ledger/",
        "/ledger/shop/",
        f"/services/{community.code}/",
        "/volunteer/",
        f"/consultation/{community.code}/",
        "/notices/",
        "/accounts/me/",
    ):
        assert f'href="{url}"' in page, url
    assert "随手拍" in page and "0 积分" in page and "民情圆桌会 · 民情圆桌会" not in page
    assert f'href="/services/{community.code}/?scenario=' in page  # the nine scenarios lead somewhere
    assert "Round table" not in page and "Snap a problem" not in page


def test_today_lists_a_meal_booked_and_a_report_awaiting_its_rating(me, community):
    from linli.canteen import services as canteen
    from linli.facilities.tests.factories import make_canteen_with_tarhai_rules, make_menu
    from linli.reports.models import Category, Report

    kitchen = make_canteen_with_tarhai_rules(community)
    menu = make_menu(kitchen, timezone.localdate())
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(7, 0)))
    canteen.meal_order_create(actor=me.user, menu=menu, resident=me, now=morning)
    lamp = Category.objects.create(community=community, code="lamp", name="路灯不亮")
    Report.objects.create(
        community=community,
        category=lamp,
        description="路灯坏了",
        reporter=me.user,
        status=Report.Status.RESOLVED,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        token="t-home-1",
        address="文一路 1 号",
    )
    page = client_for(me.user).get("/").content.decode()
    assert 'data-testid="home-today"' in page and 'data-testid="due-meal"' in page and "喜柿餐厅" in page
    assert 'data-testid="due-rating"' in page and "请评价您反映的" in page
    tomorrow = due_today(user=me.user, today=timezone.localdate() + dt.timedelta(days=1))
    assert [d.kind for d in tomorrow] == ["rating"]


def test_staff_without_a_register_record_see_their_work_not_the_tiles(users, community):
    page = client_for(users["social_worker"]).get("/").content.decode()
    assert 'data-testid="tile-canteen"' not in page and f'href="/communities/{community.code}/"' in page


def test_me_links_every_personal_record_and_the_settings(me):
    page = client_for(me.user).get("/accounts/me/").content.decode()
    for url in (
        "/ledger/",
        "/ledger/orders/",
        "/services/my/",
        "/reports/mine/",
        "/volunteer/my/",
        "/people/family/",
        "/accounts/me/data/",
        "/elder-mode/",
        "/i18n/setlang/",
        "/accounts/logout/",
    ):
        assert url in page, url


def test_elder_mode_is_remembered_on_the_account_without_a_cookie(me):
    client = client_for(me.user)
    client.post("/elder-mode/", {"on": "1", "next": "/"})
    me.user.refresh_from_db()
    assert me.user.elder_mode
    fresh = client_for(me.user)  # another phone: no cookie
    assert 'class="elder"' in fresh.get("/").content.decode()
