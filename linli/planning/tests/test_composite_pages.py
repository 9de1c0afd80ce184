"""Siting a composite facility (the default rules' 民生坊) from the pages, the API and `linli plan`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from linli.conftest import client_for
from linli.planning.models import PlanRun

from .test_core_composite import _street

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_run(sited_run):
    return sited_run("minsheng_hub")


def test_api_sites_a_composite(hub_run, users):
    data = client_for(users["community_admin"]).get(f"/api/v1/planning/runs/{hub_run.pk}").json()
    assert data["status"] == "done" and data["siting_category"] == "minsheng_hub"
    site = data["result"]["siting"][0]
    assert site["composite"] is True and len(site["selected"]) == 1
    assert site["categories"] == [
        "elderly_day_care", "elderly_canteen", "health_station", "childcare", "community_service_station",
    ]  # fmt: skip
    members = site["members"]
    assert sum(m["newly_covered"] for m in members) == pytest.approx(site["newly_covered"])
    assert sum(m["uncovered_before"] for m in members) == pytest.approx(site["uncovered_before"])
    assert site["newly_covered"] > 0


@pytest.mark.parametrize(
    ("language", "name", "note"),
    [("zh-hans", "民生坊（综合）", "综合设施"), ("en", "Minsheng hub (composite)", "A composite facility")],
)
def test_results_page_names_the_composite_and_its_members(hub_run, users, language, name, note):
    body = client_for(users["social_worker"], language).get("/planning/communities/shibei/").content.decode()
    assert 'data-testid="composite-members"' in body and name in body and note in body
    assert ("日间照料" in body) if language == "zh-hans" else ("day-care" in body.lower() or "day care" in body.lower())
    assert "minsheng_hub" not in body.split('data-testid="siting"')[1].split("</div>")[0]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("zh-hans", "新建 1 处可覆盖目前半径外"), ("en", "1 new site covers ")],
)
def test_one_new_site_is_said_in_the_singular(hub_run, users, language, sentence):
    body = client_for(users["social_worker"], language).get("/planning/communities/shibei/").content.decode()
    assert sentence in body and "1 new sites" not in body


def test_excel_names_the_composites_members(hub_run, users):
    import io

    from openpyxl import load_workbook

    response = client_for(users["community_admin"]).get(f"/planning/runs/{hub_run.pk}.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content))["推荐选址"].iter_rows(values_only=True))
    labels = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("民生坊")]
    assert labels and labels[0].startswith("民生坊（综合）: 老年人日间照料中心、社区食堂")


def test_form_offers_composites_after_the_categories(community, users):
    page = client_for(users["community_admin"]).get("/planning/communities/shibei/")
    choices = [c for c, _ in page.context["form"].fields["siting_category"].choices]
    assert choices[-1] == "minsheng_hub" and choices.index("minsheng_hub") > choices.index("childcare")
    # the gap map's filter lists categories only
    assert "minsheng_hub" not in [c for c, _ in page.context["categories"]]


def test_unknown_composite_is_refused_in_the_users_language(community, users):
    client = client_for(users["community_admin"])
    response = client.post(
        "/api/v1/communities/shibei/planning/runs",
        {"siting_category": "minsheng_hubb", "siting_k": 1},
        content_type="application/json",
    )
    assert response.status_code == 400 and "minsheng_hubb" in response.json()["error"]["message"]
    assert PlanRun.objects.count() == 0


def test_plan_command_sites_a_composite(tmp_path):
    files = _street(tmp_path)
    out, err = StringIO(), StringIO()
    call_command(
        "plan", network=str(files["network"]), buildings=str(files["buildings"]),
        facilities=str(files["facilities"]), rules=str(files["rules"]),
        site=[f"hub:1:{files['candidates']}"], out=str(tmp_path / "r.json"), lang="en", stdout=out, stderr=err,
    )  # fmt: skip
    site = json.loads((tmp_path / "r.json").read_text())["siting"][0]
    assert site["category"] == "hub" and site["composite"] and site["selected"] == ["s-mid"]
