"""What the accessibility crawl found, fixed and kept fixed without a browser: answers and names instead of codes,
no links that lead to a refusal, no meta refresh, no link inside a <summary>, numbers with separators, file fields in
the page's language, and the text size the same on the account and on the device."""

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.core.cookies import ELDER_COOKIE

pytestmark = pytest.mark.django_db


def test_grouped_writes_thousands_separators():
    render = Template("{% load linli_numbers %}{{ a|grouped }}|{{ b|grouped }}|{{ c|grouped }}|{{ d|grouped }}")
    assert render.render(Context({"a": 3015382, "b": 12.5, "c": None, "d": "—"})) == "3,015,382|12.5||—"
    assert Template("{% load linli_numbers %}{{ n|grouped }}").render(Context({"n": 999})) == "999"


def test_a_report_shows_its_questions_and_answers_not_their_codes(community, make_user):
    from linli.reports.defaults import categories_create_defaults
    from linli.reports.services.intake import report_submit

    admin = make_user(Role.COMMUNITY_ADMIN, community)
    resident = make_user(Role.RESIDENT, community)
    ebike = next(
        c
        for c in categories_create_defaults(actor=admin, community=community)
        if c.attributes.filter(code="ebike").exists()
    )
    report = report_submit(
        actor=resident,
        community=community,
        category=ebike,
        description="楼道充电",
        building=community.buildings.first(),
        attributes={"ebike": ["no"]},
    )
    body = client_for(resident).get(f"/reports/{community.code}/{report.pk}/").content.decode()
    assert "是否有电动车在楼道充电？" in body and "<dd>否</dd>" in body
    assert "ebike" not in body.replace('data-testid="', "")


def test_only_those_who_set_up_reports_see_the_set_up_links(community, users):
    steward = client_for(users["grid_steward"]).get(f"/reports/{community.code}/queue/").content.decode()
    admin = client_for(users["community_admin"]).get(f"/reports/{community.code}/queue/").content.decode()
    assert f"/reports/{community.code}/categories/" not in steward and f"/reports/{community.code}/keys/" not in steward
    assert f"/reports/{community.code}/categories/" in admin and f"/reports/{community.code}/keys/" in admin


def test_a_community_admin_is_not_sent_to_the_street_page_they_may_not_open(community, users, street):
    link = f"/places/streets/{street.code}/"
    assert (
        link not in client_for(users["community_admin"]).get(f"/places/communities/{community.code}/").content.decode()
    )
    assert link in client_for(users["street_admin"]).get(f"/places/communities/{community.code}/").content.decode()
    assert client_for(users["community_admin"]).get(link).status_code in (403, 404)


def test_the_check_in_code_refreshes_without_meta_refresh(community, users):
    from linli.volunteering.tests.conftest import make_activity

    activity = make_activity(users["community_admin"], community)
    body = client_for(users["community_admin"]).get(f"/volunteer/activities/{activity.pk}/run/").content.decode()
    assert "http-equiv" not in body
    assert 'data-live="' in body and 'aria-live="polite"' in body and "linli/live.js" in body
    assert "显示当前签到码" in body  # works without JavaScript too


def test_the_cockpit_refreshes_without_meta_refresh(community, users):
    """A wall screen stays current by asking for the page in the background (`cockpit/refresh.js`), reloading only
    when the figures changed; a meta refresh would wipe it to the browser's error page when offline."""
    body = client_for(users["community_admin"]).get(f"/cockpit/communities/{community.code}/").content.decode()
    assert "http-equiv" not in body
    assert "cockpit/refresh.js" in body and 'data-testid="updated"' in body


def test_the_city_cockpit_has_no_link_inside_a_summary(community, users, street):
    import re

    from linli.cockpit import services

    services.snapshot_refresh(community=community, month=dt.date(2026, 11, 1))
    body = client_for(users["city_viewer"]).get("/cockpit/city/").content.decode()
    summaries = re.findall(r"<summary>(.*?)</summary>", body, re.S)
    assert summaries and not any("<a " in s for s in summaries)
    assert f"/cockpit/streets/{street.code}/" in body and "宁围街道驾驶舱" in body


def test_a_merchants_workbench_links_to_pages_it_can_open(community, make_user):
    from django.utils import timezone

    from linli.accounts.models import RoleAssignment
    from linli.home.workbench import workbench_for
    from linli.ledger.models import Merchant

    user = make_user()
    merchant = Merchant.objects.create(
        community=community, name="小北鲜市", status=Merchant.Status.APPROVED, applied_at=timezone.now()
    )
    merchant.staff.add(user)
    RoleAssignment.objects.create(user=user, role=Role.MERCHANT_STAFF, community=community)
    client = client_for(user)
    urls = [item.url for section in workbench_for(user) for item in section.items]
    assert urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_points_books_name_the_rules_and_show_money_in_yuan(community, users):
    from linli.ledger.tests.conftest import fund

    fund(make_resident(community), 1234)
    body = client_for(users["community_admin"]).get(f"/ledger/c/{community.code}/").content.decode()
    assert "volunteer_hour</td>" not in body and "1,234" in body


def test_the_evaluation_names_entered_indicators(community, users):
    from linli.cockpit.models import IndicatorEntry

    IndicatorEntry.objects.create(
        community=community,
        code="jobs_supported",
        month=dt.date(2026, 11, 1),
        value=12,
        entered_by=users["community_admin"],
    )
    body = client_for(users["community_admin"]).get(f"/cockpit/communities/{community.code}/evaluation/")
    text = body.content.decode()
    assert body.status_code == 200 and "jobs_supported</td>" not in text


def test_the_health_check_speaks_the_readers_language_and_names_communities(community):
    from linli.planning.core.errors import Message
    from linli.planning.models import PlanRun
    from linli.planning.reports import index_rows

    dropped = Message(
        "dropped %(components)s disconnected pieces of the walking network (%(nodes)s nodes, %(edges)s edges, "
        "%(length)s m)",
        components=26,
        nodes=1200,
        edges=1300,
        length="16,600",
    )
    run = PlanRun(
        community=community,
        result={"index": [{"community": community.code, "index": 3.61}], "warning_details": [dropped.as_dict()]},
    )
    assert index_rows(run)[0]["name"] == community.name
    (warning,) = run.warning_messages
    assert "26" in warning and "16,600" in warning and "dropped" not in warning
    assert PlanRun(community=community, result={"network": {"dropped": {"nodes": 0}}}).warning_messages == []


def test_a_file_field_is_labelled_in_the_pages_language():
    class Upload(forms.Form):
        file = forms.FileField(label="文件")

    html = render_to_string("form_fields.html", {"form": Upload()})
    assert 'class="file-pick"' in html and "选择文件" in html and 'type="file"' in html


def test_large_text_chosen_before_logging_in_follows_the_account(community, make_user):
    user = make_user(Role.RESIDENT, community)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies[ELDER_COOKIE] = "1"
    response = client.post("/accounts/login/", {"mobile": user.mobile, "password": "pass-word-123"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.elder_mode is True and response.cookies[ELDER_COOKIE].value == "1"
    # the account's choice comes to a new device at login
    other = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = other.post("/accounts/login/", {"mobile": user.mobile, "password": "pass-word-123"})
    assert response.cookies[ELDER_COOKIE].value == "1"
    assert 'class="elder' in other.get("/").content.decode()


def test_standard_text_on_the_account_sets_the_devices_cookie_at_login(community, make_user):
    user: Any = make_user(Role.RESIDENT, community)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/accounts/login/", {"mobile": user.mobile, "password": "pass-word-123"})
    assert response.cookies[ELDER_COOKIE].value == "0"


def test_the_cockpit_workbook_names_each_item_and_writes_no_python_values():
    from linli.cockpit.reports import item_name, workbook_value

    assert item_name("revenue_yuan") == "收入（元）"
    assert item_name("senior_80") != "senior_80" and item_name("elderly_canteen") != "elderly_canteen"
    cell = workbook_value({"earning": 0, "affordable": 1200, "free": -300})
    assert "{" not in cell and "earning" not in cell and "1,200" in cell


def test_me_offers_selling_at_the_marketplace_to_residents_and_their_shop_to_shopkeepers(community, make_user):
    from django.utils import timezone

    from linli.ledger.models import Merchant

    resident = make_user(Role.RESIDENT, community)
    make_resident(community, user=resident)
    page = client_for(resident).get("/accounts/me/").content.decode()
    assert 'data-testid="me-sell"' in page and 'data-testid="me-shop"' not in page
    shop = Merchant.objects.create(
        community=community, name="小北鲜市", status=Merchant.Status.APPROVED, applied_at=timezone.now()
    )
    shop.staff.add(resident)
    page = client_for(resident).get("/accounts/me/").content.decode()
    assert 'data-testid="me-shop"' in page and "小北鲜市" in page and 'data-testid="me-sell"' not in page
    assert client_for(resident).get(f"/ledger/merchant/{shop.pk}/").status_code == 200
