"""The evaluation grades a whole month: the last complete one unless another complete month is chosen. On the 6th
the month under way holds six days of flows, so it is shown to date and never graded."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from linli.cockpit import services
from linli.cockpit.evaluation import evaluate
from linli.cockpit.framework import load_framework
from linli.cockpit.models import Snapshot
from linli.conftest import ARTIFACTS, client_for

pytestmark = pytest.mark.django_db

SIXTH = "2026-12-06 02:00:00"  # 10:00 in Shanghai on 6 December
NOVEMBER, DECEMBER = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("活动.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")


def _shown(score: float) -> str:
    """A score as the pages print it (`floatformat:"-2"`)."""
    return str(int(score)) if score == int(score) else f"{score:.2f}"


def _two_months(users, community) -> Snapshot:
    """November: four neighbourhood events (the target); December so far: one. Both stored; November returned."""
    admin = users["community_admin"]
    for month, events in ((NOVEMBER, 4), (DECEMBER, 1)):
        services.indicator_entry_create(
            actor=admin, community=community, code="neighbourhood_events", month=month, value=events, files=[_photo()]
        )
        services.snapshot_refresh(community=community, month=month)
    return Snapshot.objects.get(community=community, month=NOVEMBER)


def test_on_the_sixth_the_page_the_pdf_and_the_api_grade_last_month(users, community):
    with freeze_time(SIXTH):
        november = _two_months(users, community)
        graded = evaluate(load_framework(), november.values)
        december = evaluate(load_framework(), Snapshot.objects.get(community=community, month=DECEMBER).values)
        assert graded.overall != december.overall  # the two months differ, so agreeing on one means something
        client = client_for(users["community_admin"])

        body = client.get("/api/v1/communities/shibei/cockpit/evaluation").json()
        assert body["month"] == "2026-11-01" and body["overall"] == graded.overall and body["level"] == graded.level
        assert "neighbourhood_events" not in [s["indicator"] for s in body["steps"]]  # November met its target
        cockpit = client.get("/api/v1/communities/shibei/cockpit").json()
        assert (cockpit["month"], cockpit["graded"], cockpit["values"]["neighbourhood_events"]) == (
            "2026-11-01",
            True,
            4,
        )

        page = client.get("/cockpit/communities/shibei/evaluation/").content.decode()
        assert "评价月份：2026-11（按月末数据）。" in page
        assert f'data-testid="overall">{_shown(graded.overall)}<' in page
        assert '<option value="2026-11" selected>' in page and '<option value="2026-12"' not in page
        assert '<input type="hidden" name="month" value="2026-11">' in page  # the reports ask for the same month

        pdf = client.get("/cockpit/communities/shibei/evaluation.pdf")
        assert pdf.status_code == 200 and "2026-11" in pdf["Content-Disposition"]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "evaluation-graded-month.pdf").write_bytes(pdf.content)  # kept to be looked at
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "2026-11" in text and _shown(graded.overall) in text

        workbook = load_workbook(io.BytesIO(client.get("/cockpit/communities/shibei/evaluation.xlsx").content))
        rows = {r[0]: r[1] for r in workbook.active.iter_rows(values_only=True) if r}
        assert (rows["评价月份"], rows["综合得分"]) == ("2026-11", graded.overall)

        screen = client.get("/cockpit/communities/shibei/").content.decode()
        assert f'data-testid="overall">{_shown(graded.overall)}<' in screen
        assert "<strong>2026-11</strong> · 按月末数据评级" in screen
        assert 'data-testid="month-to-date"' in screen  # December to date beside the same days of November
        assert "2026-12 至今（1–6日）与 2026-11 同期对比" in screen  # named, on a page showing November


def test_another_complete_month_is_chosen_and_a_month_without_figures_says_so(users, community):
    with freeze_time(SIXTH):
        _two_months(users, community)
        services.indicator_entry_create(
            actor=users["community_admin"],
            community=community,
            code="neighbourhood_events",
            month=dt.date(2026, 9, 1),
            value=2,
            files=[_photo()],
        )
        september = services.snapshot_refresh(community=community, month=dt.date(2026, 9, 1))
        client = client_for(users["community_admin"])

        body = client.get("/api/v1/communities/shibei/cockpit/evaluation?month=2026-09").json()
        assert body["month"] == "2026-09-01" and body["overall"] == evaluate(load_framework(), september.values).overall
        events = next(s for s in body["steps"] if s["indicator"] == "neighbourhood_events")
        assert (events["value"], events["change"]) == (2, 2)
        page = client.get("/cockpit/communities/shibei/evaluation/?month=2026-09").content.decode()
        assert "评价月份：2026-09" in page and '<option value="2026-09" selected>' in page

        october = client.get("/api/v1/communities/shibei/cockpit/evaluation?month=2026-10")
        assert october.status_code == 404 and october.json()["error"]["message"] == "2026-10 尚无数据。"
        page = client.get("/cockpit/communities/shibei/evaluation/?month=2026-10").content.decode()
        assert 'data-testid="no-figures">2026-10 尚无数据。<' in page
        assert 'data-testid="pdf"' not in page and 'data-testid="xlsx"' not in page  # no file offered that is not there
        assert (
            'data-testid="pdf"' in client.get("/cockpit/communities/shibei/evaluation/?month=2026-09").content.decode()
        )
        assert client.get("/cockpit/communities/shibei/evaluation.pdf?month=2026-10").status_code == 404


@pytest.mark.parametrize("month", ["2026-12", "2027-01"])
def test_the_month_under_way_and_later_ones_are_not_graded(users, community, month):
    with freeze_time(SIXTH):
        _two_months(users, community)
        client = client_for(users["community_admin"])
        refusal = "只能评价已经结束的月份：请选择 2026-11 或更早的月份。"
        api = client.get(f"/api/v1/communities/shibei/cockpit/evaluation?month={month}")
        assert api.status_code == 400 and api.json()["error"]["message"] == refusal
        for path in ("evaluation/", "evaluation.pdf", "evaluation.xlsx"):
            page = client.get(f"/cockpit/communities/shibei/{path}?month={month}")
            assert page.status_code == 400 and refusal in page.content.decode()
        english = client_for(users["community_admin"], "en").get(
            f"/cockpit/communities/shibei/evaluation/?month={month}"
        )
        assert "Only a month that is over can be graded: choose 2026-11" in english.content.decode()


def test_a_malformed_month_is_refused_in_the_users_language(users, community):
    with freeze_time(SIXTH):
        client = client_for(users["community_admin"])
        page = client.get("/cockpit/communities/shibei/evaluation/?month=2026-13")
        assert page.status_code == 400 and "月份请写成" in page.content.decode()
        api = client_for(users["community_admin"], "en").get("/api/v1/communities/shibei/cockpit/evaluation?month=11")
        assert api.status_code == 400 and api.json()["error"]["message"].startswith("Give the month")


def test_the_community_screen_shows_the_month_under_way_to_date_ungraded(users, community):
    with freeze_time(SIXTH):
        _two_months(users, community)
        client = client_for(users["community_admin"])
        screen = client.get("/cockpit/communities/shibei/?month=2026-12").content.decode()
        assert "<strong>2026-12</strong> · 本月至今 · 月份结束后再评级" in screen
        assert 'data-testid="overall"' not in screen and 'data-testid="month-to-date"' in screen
        assert '<option value="2026-12" selected>' in screen and '<option value="2026-11">' in screen
        api = client.get("/api/v1/communities/shibei/cockpit?month=2026-12").json()
        assert (api["graded"], api["level"], api["values"]["neighbourhood_events"]) == (False, None, 1)
        later = client.get("/cockpit/communities/shibei/?month=2027-01")
        assert later.status_code == 400 and "2027-01 尚未开始。" in later.content.decode()


def test_streets_and_the_city_grade_the_last_complete_month(users, community, other_community):
    with freeze_time(SIXTH):
        for c in (community, other_community):
            for month in (NOVEMBER, DECEMBER):
                services.snapshot_refresh(community=c, month=month)
        rows = client_for(users["street_admin"]).get("/api/v1/streets/ningwei/cockpit").json()
        assert {r["month"] for r in rows} == {"2026-11-01"} and all(r["overall"] is not None for r in rows)
        rows = client_for(users["city_viewer"]).get("/api/v1/cockpit/city?month=2026-12").json()
        assert all(r["overall"] is None and r["level"] is None and r["month_to_date"] for r in rows)
        page = client_for(users["street_admin"]).get("/cockpit/streets/ningwei/?month=2026-12").content.decode()
        assert page.count("月份结束后再评级") >= 3  # the label and each community's row


def test_last_month_is_stored_once_more_after_it_ends(users, community):
    with freeze_time("2026-11-30 08:00:00"):  # the job's last run in November, before the day was over
        services.snapshot_refresh(community=community, month=NOVEMBER)
    with freeze_time(SIXTH):
        assert services.closed_months_refresh() == 1
        assert Snapshot.objects.get(community=community, month=NOVEMBER).computed_at.date() == dt.date(2026, 12, 6)
        assert services.closed_months_refresh() == 0  # closed now: not computed again
