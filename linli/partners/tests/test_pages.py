"""Pages in Chinese, English and elder mode; the forms save through the services; contacts masked."""

import datetime as dt
from typing import Any

import pytest

from linli.conftest import client_for, make_resident
from linli.partners import services
from linli.partners.models import Contribution, Pairing, Partner, Project

from .conftest import TODAY
from .helpers import state

pytestmark = pytest.mark.django_db


def urls(community: Any, bank: Any, project: Any) -> list[tuple[str, list[str]]]:
    """Each page with what only it shows: the community's name is in every page's header and proves nothing."""
    code = community.code
    return [
        (f"/partners/{code}/", ["杭州银行萧山支行", "北干社工服务中心", "银龄助餐"]),
        (
            f"/partners/{code}/?kind=resources&active=all&scenario=services&status=planned",
            ["杭州银行萧山支行", "银龄助餐"],
        ),
        (f"/partners/{code}/p/{bank.pk}/", ["杭州银行萧山支行", "养老服务", "银龄助餐"]),
        (f"/partners/{code}/projects/{project.pk}/", ["银龄助餐", "社区提供场地", "北干社工服务中心"]),
        (f"/partners/streets/{community.street.code}/", ['data-community="shibei"', 'data-community="limin"']),
    ]


FORMS = [
    "/partners/{code}/new/",
    "/partners/{code}/p/{bank}/edit/",
    "/partners/{code}/pairings/new/",
    "/partners/{code}/projects/new/",
    "/partners/{code}/projects/{project}/edit/",
    "/partners/{code}/projects/{project}/contribute/",
    "/partners/{code}/projects/{project}/close/",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_pages_render(
    community: Any,
    other_community: Any,
    users: dict[str, Any],
    admin: Any,
    bank: Any,
    project: Any,
    language: str,
    elder: bool,
) -> None:
    services.pairing_create(actor=admin, partner=bank, areas="养老服务", since=TODAY)
    for who, paths in (
        (admin, urls(community, bank, project)[:4]),
        (users["resident"], urls(community, bank, project)[:4]),
        (users["street_admin"], urls(community, bank, project)),
    ):
        c = client_for(who, language)
        if elder:
            c.cookies["linli_elder"] = "1"
        for url, shown in paths:
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)
            html = r.content.decode()
            assert ('class="elder' in html) == elder
            assert f'<html lang="{language}"' in html, url
            assert [text for text in shown if text not in html] == [], url
    c = client_for(admin, language)
    if elder:
        c.cookies["linli_elder"] = "1"
    for form in FORMS:
        url = form.format(code=community.code, bank=bank.pk, project=project.pk)
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        assert ('class="elder' in r.content.decode()) == elder


def test_the_language_of_the_pages(community: Any, admin: Any, bank: Any, project: Any) -> None:
    en = client_for(admin, "en").get(f"/partners/{community.code}/").content.decode()
    assert "Register a partner" in en and "Partnership projects" in en
    zh = client_for(admin, "zh-hans").get(f"/partners/{community.code}/").content.decode()
    assert "登记合伙人" in zh and "合伙项目" in zh and "Register a partner" not in zh
    zh_project = client_for(admin, "zh-hans").get(f"/partners/{community.code}/projects/{project.pk}/").content.decode()
    assert "按类别汇总的投入" in zh_project and "Contributions by kind" not in zh_project


def test_money_shown_in_yuan(community: Any, admin: Any, project: Any) -> None:
    html = client_for(admin, "en").get(f"/partners/{community.code}/projects/{project.pk}/").content.decode()
    assert "5,000" in html and "500000" not in html
    index = client_for(admin, "en").get(f"/partners/{community.code}/").content.decode()
    assert "5,000" in index


def test_contact_numbers_masked_but_for_community_staff(
    community: Any, users: dict[str, Any], admin: Any, bank: Any, other_admin: Any, make_user: Any
) -> None:
    rep = make_user(display_name="李代表")
    services.partner_update(actor=admin, partner=bank, members=[rep])
    url = f"/partners/{community.code}/p/{bank.pk}/"
    for role in ("community_admin", "social_worker", "grid_steward"):
        html = client_for(users[role]).get(url).content.decode()
        assert "13912345678" in html and rep.mobile in html, role
    for role in ("resident", "volunteer", "street_admin", "city_viewer"):
        html = client_for(users[role]).get(url).content.decode()
        assert "13912345678" not in html and "139****5678" in html, role
        assert rep.mobile not in html and rep.masked_mobile in html, role


def test_register_through_the_page(community: Any, admin: Any, make_user: Any) -> None:
    rep = make_user()
    resident = make_resident(community, name="陈志强", mobile="13700000001")
    r = client_for(admin, "en").post(
        f"/partners/{community.code}/new/",
        {
            "name": "陈志强",
            "kind": "charity",
            "entity": "individual",
            "joined_on": "2026-03-01",
            "contact_mobile": "13700000001",
            "resident_mobile": "13700000001",
            "member_mobiles": f"{rep.mobile}\n",
        },
        follow=True,
    )
    partner = Partner.objects.get(community=community, name="陈志强")
    assert r.redirect_chain[-1][0] == f"/partners/{community.code}/p/{partner.pk}/"
    assert partner.resident == resident and list(partner.members.all()) == [rep]
    assert "is registered as a partner" in r.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "杭州银行萧山支行"}, "A partner of this name is already registered."),
        ({"kind": "sponsor"}, "Select a valid choice."),
        ({"contact_mobile": "12345"}, "Enter a valid mainland China mobile number"),
        ({"resident_mobile": "13700000009"}, "No resident of this community has this number."),
        ({"member_mobiles": "13700000009"}, "No account has these numbers: 13700000009."),
        ({"entity": "enterprise", "resident_mobile": "13700000001"}, "Only an individual partner is linked"),
    ],
)
def test_register_form_errors(community: Any, admin: Any, bank: Any, data: dict[str, str], message: str) -> None:
    make_resident(community, name="陈志强", mobile="13700000001")
    form = {"name": "新合伙人", "kind": "charity", "entity": "social_org", "joined_on": "2026-03-01", **data}
    before = state()
    r = client_for(admin, "en").post(f"/partners/{community.code}/new/", form)
    assert r.status_code == 200 and message in r.content.decode()
    assert state() == before


def test_project_through_the_pages(community: Any, admin: Any, bank: Any, charity: Any) -> None:
    c = client_for(admin, "en")
    form = {
        "title": "四点半课堂",
        "scenario": "education",
        "lead": bank.pk,
        "co_partners": [charity.pk],
        "status": "running",
        "starts_on": "2026-03-01",
        "ends_on": "2026-06-30",
        "c-TOTAL_FORMS": "3",
        "c-INITIAL_FORMS": "0",
        "c-0-kind": "money",
        "c-0-description": "课堂经费",
        "c-0-partner": bank.pk,
        "c-0-value_yuan": "1234.5",
        "c-1-kind": "volunteers",
        "c-1-description": "社工",
        "c-1-partner": charity.pk,
        "c-1-quantity": "6",
        "c-2-kind": "",  # the browser sends the empty third row too
        "c-2-description": "",
    }
    bad = {**form, "ends_on": "2026-02-01"}
    before = state()
    r = c.post(f"/partners/{community.code}/projects/new/", bad)
    assert "A project cannot end before it starts." in r.content.decode() and state() == before
    r = c.post(f"/partners/{community.code}/projects/new/", form, follow=True)
    project = Project.objects.get(title="四点半课堂")
    assert r.redirect_chain[-1][0] == f"/partners/{community.code}/projects/{project.pk}/"
    assert project.status == "running" and list(project.co_partners.all()) == [charity]
    assert sorted(project.contributions.values_list("kind", "value_fen", "quantity")) == [
        ("money", 123450, 0),
        ("volunteers", 0, 6),
    ]

    base = f"/partners/{community.code}/projects/{project.pk}/"
    before = state()
    r = c.post(base + "contribute/", {"kind": "money", "description": "追加", "value_yuan": "0"})
    assert "Say how much money." in r.content.decode() and state() == before
    r = c.post(base + "contribute/", {"kind": "money", "description": "追加", "value_yuan": "1.234"})
    assert r.status_code == 200 and state() == before
    r = c.post(base + "contribute/", {"kind": "goods", "description": "图书", "quantity": "40"}, follow=True)
    assert Contribution.objects.filter(project=project, kind="goods", partner=None, quantity=40).exists()

    r = c.post(base + "close/", {"outcomes": "", "beneficiaries": "30", "ends_on": "2026-06-30"})
    assert "This field is required." in r.content.decode()
    r = c.post(base + "close/", {"outcomes": "六十名孩子受益。", "beneficiaries": "60", "ends_on": "2026-06-30"})
    project.refresh_from_db()
    assert project.status == "done" and project.beneficiaries == 60
    before = state()
    r = c.post(base + "close/", {"outcomes": "再来一次", "beneficiaries": "1", "ends_on": "2026-06-30"})
    assert "This project is closed." in r.content.decode() and state() == before
    page = c.get(base).content.decode()
    assert "六十名孩子受益。" in page and "Close the project" not in page


def test_pairing_edit_and_deactivate_through_the_pages(community: Any, admin: Any, bank: Any) -> None:
    c = client_for(admin, "en")
    r = c.post(
        f"/partners/{community.code}/pairings/new/", {"partner": bank.pk, "areas": "社会救助", "since": "2026-03-01"}
    )
    pairing = Pairing.objects.get(partner=bank)
    assert r.status_code == 302 and pairing.until is None
    r = c.post(
        f"/partners/{community.code}/p/{bank.pk}/edit/",
        {"name": "杭州银行", "kind": "resources", "entity": "enterprise", "contact_mobile": "13912345678"},
    )
    bank.refresh_from_db()
    assert r.status_code == 302 and bank.name == "杭州银行"
    r = c.post(f"/partners/{community.code}/p/{bank.pk}/deactivate/", {}, follow=True)
    bank.refresh_from_db()
    pairing.refresh_from_db()
    assert not bank.active and pairing.until is not None
    assert "marked inactive" in r.content.decode()
    left = f'<dt>Left on</dt><dd data-testid="ended-on">{bank.ended_on:%Y-%m-%d}</dd>'
    assert left in c.get(f"/partners/{community.code}/p/{bank.pk}/").content.decode()
    assert "<dt>离开日期</dt>" in client_for(admin).get(f"/partners/{community.code}/p/{bank.pk}/").content.decode()
    index = c.get(f"/partners/{community.code}/").content.decode()
    assert "杭州银行" not in index.split('data-testid="partners"')[1].split("</table>")[0]
    index = c.get(f"/partners/{community.code}/?active=0").content.decode()
    assert "杭州银行" in index.split('data-testid="partners"')[1].split("</table>")[0]


def test_index_filters(community: Any, admin: Any, bank: Any, charity: Any, project: Any) -> None:
    services.project_create(
        actor=admin, community=community, lead=charity, title="反诈宣传", scenario="governance", starts_on=TODAY
    )
    c = client_for(admin, "en")

    def partners_table(query: str) -> str:
        html = c.get(f"/partners/{community.code}/{query}").content.decode()
        return html.split('data-testid="partners"')[1].split("</table>")[0]

    def projects_table(query: str) -> str:
        html = c.get(f"/partners/{community.code}/{query}").content.decode()
        return html.split('data-testid="project-table"')[1].split("</table>")[0]

    assert "北干社工服务中心" in partners_table("?kind=charity") and "杭州银行" not in partners_table("?kind=charity")
    assert "反诈宣传" in projects_table("?scenario=governance") and "银龄助餐" not in projects_table(
        "?scenario=governance"
    )
    assert "银龄助餐" in projects_table("?status=planned&scenario=services")
    assert "No projects match." in projects_table("?status=done")


def test_street_overview(
    community: Any, other_community: Any, users: dict[str, Any], admin: Any, project: Any, stranger: Any
) -> None:
    html = client_for(users["street_admin"], "en").get(f"/partners/streets/{community.street.code}/").content.decode()
    row = html.split('data-community="shibei"')[1].split("</tr>")[0]
    assert ">2<" in row and ">1<" in row and "5,000" in row
    other = html.split('data-community="limin"')[1].split("</tr>")[0]
    assert ">1<" in other
    assert client_for(users["city_viewer"]).get(f"/partners/streets/{community.street.code}/").status_code == 200
    for who in ("community_admin", "resident", "grid_steward"):
        assert client_for(users[who]).get(f"/partners/streets/{community.street.code}/").status_code == 404


def test_community_page_links_to_partners(community: Any, users: dict[str, Any]) -> None:
    html = client_for(users["resident"]).get(f"/communities/{community.code}/").content.decode()
    assert f"/partners/{community.code}/" in html


def test_dates_shown(community: Any, admin: Any, project: Any) -> None:
    services.project_update(actor=admin, project=project, ends_on=TODAY + dt.timedelta(days=10))
    html = client_for(admin, "en").get(f"/partners/{community.code}/projects/{project.pk}/").content.decode()
    assert "2026-03-02" in html and "2026-03-12" in html


def test_editing_other_details_keeps_the_resident_and_members(community: Any, admin: Any, make_user: Any) -> None:
    rep = make_user()
    resident = make_resident(community, name="陈志强")  # no mobile number on record
    partner = services.partner_register(
        actor=admin,
        community=community,
        name="陈志强",
        kind="charity",
        entity="individual",
        joined_on=TODAY,
        resident=resident,
        members=[rep],
    )
    c = client_for(admin, "en")
    url = f"/partners/{community.code}/p/{partner.pk}/edit/"
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if k != "joined_on" and v is not None}
    data["description"] = "退休教师"
    assert c.post(url, data).status_code == 302
    partner.refresh_from_db()
    assert partner.description == "退休教师" and partner.resident == resident and list(partner.members.all()) == [rep]


def test_a_family_sharing_one_number_is_told_apart_by_name(community: Any, admin: Any) -> None:
    make_resident(community, name="周丽君", mobile="13700000001", seq=1)
    son = make_resident(community, name="周明", mobile="13700000001", seq=2)
    c = client_for(admin, "en")
    form = {"kind": "charity", "entity": "individual", "joined_on": "2026-03-01", "resident_mobile": "13700000001"}
    r = c.post(f"/partners/{community.code}/new/", {**form, "name": "周家"})
    assert "Several residents share this number" in r.content.decode()
    assert c.post(f"/partners/{community.code}/new/", {**form, "name": "周明"}).status_code == 302
    assert Partner.objects.get(name="周明").resident == son


def test_edit_a_project_through_the_page(community: Any, admin: Any, project: Any, charity: Any) -> None:
    shop = services.partner_register(
        actor=admin, community=community, name="东港超市", kind="resources", joined_on=TODAY
    )
    data = {
        "title": "银龄助餐（二期）",
        "scenario": "services",
        "status": "running",
        "co_partners": [charity.pk, shop.pk],
        "starts_on": "2026-03-02",
        "ends_on": "2026-12-31",
        "beneficiaries": "45",
    }
    r = client_for(admin, "en").post(f"/partners/{community.code}/projects/{project.pk}/edit/", data)
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.title == "银龄助餐（二期）" and project.status == "running" and project.beneficiaries == 45
    page = client_for(admin, "zh-hans").get(f"/partners/{community.code}/projects/{project.pk}/")
    assert '服务人数</dt><dd data-testid="beneficiaries">45</dd>' in page.content.decode()
    assert set(project.co_partners.all()) == {charity, shop} and project.ends_on == dt.date(2026, 12, 31)


@pytest.mark.parametrize(("language", "elder"), [("zh-hans", False), ("en", False), ("zh-hans", True)])
def test_pledges_delivered_and_withdrawn_through_the_project_page(
    community: Any, admin: Any, project: Any, language: str, elder: bool
) -> None:
    c = client_for(admin, language)
    if elder:
        c.cookies["linli_elder"] = "1"
    base = f"/partners/{community.code}/projects/{project.pk}/"
    money, space = project.contributions.order_by("pk")
    page = c.get(base).content.decode()
    assert page.count('id="on-') == 2 and ("已承诺" in page) == (language == "zh-hans")

    before = state()
    r = c.post(base + f"contributions/{money.pk}/deliver/", {"on": "2026-03-01"}, follow=True)
    expected = "不能早于项目开始" if language == "zh-hans" else "cannot be before the project started"
    assert expected in r.content.decode() and state() == before
    r = c.post(base + f"contributions/{money.pk}/deliver/", {"on": "not a date"}, follow=True)
    assert ("有效的日期" if language == "zh-hans" else "valid date") in r.content.decode() and state() == before
    r = c.post(base + f"contributions/{space.pk}/withdraw/", {"reason": ""}, follow=True)
    assert state() == before

    r = c.post(base + f"contributions/{money.pk}/deliver/", {"on": "2026-03-05"}, follow=True)
    page = r.content.decode()
    assert ("已兑现" if language == "zh-hans" else "Delivered") in page and "2026-03-05" in page
    c.post(base + f"contributions/{space.pk}/withdraw/", {"reason": "场地改作疫苗接种点"})
    money.refresh_from_db()
    space.refresh_from_db()
    assert (money.status, money.delivered_on) == ("delivered", dt.date(2026, 3, 5))
    assert (space.status, space.withdrawn_reason) == ("withdrawn", "场地改作疫苗接种点")
    page = c.get(base).content.decode()
    assert "场地改作疫苗接种点" in page and 'id="on-' not in page
    assert ('class="elder' in page) == elder


def test_only_staff_mark_pledges(community: Any, users: dict[str, Any], project: Any) -> None:
    money = project.contributions.order_by("pk").first()
    c = client_for(users["resident"], "en")
    base = f"/partners/{community.code}/projects/{project.pk}/"
    assert 'id="on-' not in c.get(base).content.decode()
    before = state()
    r = c.post(base + f"contributions/{money.pk}/deliver/", {"on": "2026-03-05"})
    assert r.status_code in (403, 404) and state() == before


@pytest.mark.parametrize(("language", "elder"), [("zh-hans", False), ("en", False), ("zh-hans", True)])
def test_a_contribution_corrected_through_its_page(
    community: Any, admin: Any, project: Any, language: str, elder: bool
) -> None:
    c = client_for(admin, language)
    if elder:
        c.cookies["linli_elder"] = "1"
    money = project.contributions.order_by("pk").first()
    url = f"/partners/{community.code}/projects/{project.pk}/contributions/{money.pk}/correct/"
    assert url in c.get(f"/partners/{community.code}/projects/{project.pk}/").content.decode()
    page = c.get(url).content.decode()
    assert 'value="5000"' in page and ('class="elder' in page) == elder
    before = state()
    r = c.post(url, {"description": "项目资金", "value_yuan": "0", "quantity": "0", "reason": "录错了"})
    assert ("请填写金额" if language == "zh-hans" else "Say how much money.") in r.content.decode()
    r = c.post(url, {"description": "项目资金", "value_yuan": "4500", "quantity": "0", "reason": ""})
    assert r.status_code == 200 and state() == before
    fixed = {"description": "项目资金", "value_yuan": "4500.5", "quantity": "0", "reason": "按合同"}
    r = c.post(url, fixed, follow=True)
    assert r.redirect_chain[-1][0] == f"/partners/{community.code}/projects/{project.pk}/"
    money.refresh_from_db()
    assert money.value_fen == 450_050
