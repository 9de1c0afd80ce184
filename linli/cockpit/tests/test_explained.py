"""The evaluation explained: for each indicator below target, the change that would meet it, what it earns and the
score after it, computed from the framework and the month's values; on the page, in the PDF and over the API."""

import pytest

from linli.cockpit import services
from linli.cockpit.evaluation import evaluate, explain
from linli.cockpit.framework import load_framework, parse_framework
from linli.cockpit.queries import registry
from linli.cockpit.selectors import last_complete_month
from linli.cockpit.tests.test_framework import SMALL
from linli.conftest import client_for


def _small():
    return parse_framework(SMALL, known_queries=set(registry.QUERIES))


def test_each_missing_point_by_hand():
    framework = _small()
    # a: 5/10 → 50, b: met, c (lower is better): 2/4 → 50; overall 80 (basic)
    explained = explain(framework, evaluate(framework, {"a": 5, "b": 4, "c": 4}))
    a, c = explained.steps
    # total weight 5: meeting a (weight 1, 50 short) earns 50 × 1 / 5 = 10 points; so does c
    assert (a.indicator.code, a.change, a.gain, a.overall_after, a.reaches) == ("a", 5, 10, 90, "leading")
    assert a.per_point == 0.5  # 10 per 100 points of a's score, a fifth of the overall: 0.5 of a per point
    assert (c.indicator.code, c.change, c.gain, c.overall_after, c.reaches, c.per_point) == ("c", 2, 10, 100, "", None)
    assert (explained.to_basic, explained.to_leading) == (0, 1)


def test_the_biggest_gain_comes_first_and_each_level_is_reached_by_a_counted_step():
    framework = _small()
    explained = explain(framework, evaluate(framework, {"a": None, "b": 0, "c": 4}))
    # scores 0, 0, 50; overall (0 + 0 + 50) / 5 = 10
    assert explained.overall == 10
    assert [(s.indicator.code, s.gain, s.overall_after) for s in explained.steps] == [
        ("b", 60, 70),
        ("a", 20, 90),
        ("c", 10, 100),
    ]
    assert [s.reaches for s in explained.steps] == ["basic", "leading", ""]
    assert (explained.to_basic, explained.to_leading) == (1, 2)
    assert explained.steps[1].change is None  # no value yet: the change is to enter one


def test_a_met_framework_has_nothing_to_explain():
    framework = _small()
    explained = explain(framework, evaluate(framework, {"a": 10, "b": 4, "c": 1}))
    assert explained.steps == () and (explained.to_basic, explained.to_leading) == (0, 0)


@pytest.mark.django_db
def test_the_page_the_pdf_and_the_api_explain_the_last_complete_month(users, community):
    month = last_complete_month()
    services.snapshot_refresh(community=community, month=month)
    framework = load_framework()
    explained = explain(framework, evaluate(framework, services.Snapshot.objects.get(community=community).values))
    assert explained.steps  # a community with no records misses most indicators
    client = client_for(users["community_admin"])

    body = client.get("/api/v1/communities/shibei/cockpit/evaluation").json()
    assert [s["indicator"] for s in body["steps"]] == [s.indicator.code for s in explained.steps]
    assert round(body["overall"] + sum(s["gain"] for s in body["steps"]), 0) == 100
    first = body["steps"][0]
    assert first["overall_after"] == round(body["overall"] + first["gain"], 2)
    assert body["to_basic"] == next(n for n, s in enumerate(body["steps"], 1) if s["overall_after"] >= 70)
    events = next(s for s in body["steps"] if s["indicator"] == "neighbourhood_events")
    assert events["value"] is None and events["text"].startswith("请录入本月数值并附佐证材料")

    page = client.get("/cockpit/communities/shibei/evaluation/").content.decode()
    assert 'data-testid="explained"' in page and "每一项失分怎样补回" in page
    assert f"完成前 {body['to_basic']} 项即达普惠型（70 分）" in page
    assert "每月邻里活动场次" in page and "Raise from" not in page
    english = client_for(users["community_admin"], "en").get("/cockpit/communities/shibei/evaluation/")
    assert "What would earn each missing point" in english.content.decode()

    pdf = client.get("/cockpit/communities/shibei/evaluation.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_raise_is_explained_in_the_indicators_unit(users, community):
    month = last_complete_month()
    photo = _photo()
    services.indicator_entry_create(
        actor=users["community_admin"],
        community=community,
        code="neighbourhood_events",
        month=month,
        value=1,
        files=[photo],
    )
    services.snapshot_refresh(community=community, month=month)
    body = client_for(users["community_admin"]).get("/api/v1/communities/shibei/cockpit/evaluation").json()
    events = next(s for s in body["steps"] if s["indicator"] == "neighbourhood_events")
    assert (events["value"], events["target"], events["change"]) == (1, 4, 3)
    assert events["text"] == "由 1 场 提高到 4 场（+3 场）。"


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("活动.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")


@pytest.mark.django_db
def test_no_figures_yet_is_said_over_the_api(users, community):
    response = client_for(users["community_admin"]).get("/api/v1/communities/shibei/cockpit/evaluation")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"{last_complete_month():%Y-%m} 尚无数据。"
