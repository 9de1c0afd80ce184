"""Computed indicators against a hand-built dataset; who sees which cockpit; entered values need evidence."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.canteen.models import MealOrder
from linli.cockpit import services
from linli.cockpit.models import IndicatorEntry, Snapshot
from linli.cockpit.queries.registry import run_query
from linli.conftest import client_for, make_resident
from linli.core.errors import DomainError, NotAllowed
from linli.facilities.tests.factories import make_facility, make_menu

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 15)
MONTH = dt.date(2026, 11, 1)


@pytest.fixture
def people(community):
    """10 residents: 4 aged 60+ (one of them 80), 1 party member; household of the fixture building."""
    births = [
        dt.date(1940, 1, 1),
        dt.date(1950, 5, 5),
        dt.date(1960, 3, 3),
        dt.date(1966, 1, 1),
        dt.date(1980, 1, 1),
        dt.date(1990, 1, 1),
        dt.date(2000, 1, 1),
        dt.date(2010, 1, 1),
        dt.date(2020, 1, 1),
        dt.date(2025, 1, 1),
    ]
    return [
        make_resident(community, name=f"居民{i}", birth=b, seq=i, is_party_member=(i == 0))
        for i, b in enumerate(births)
    ]


def test_people_queries_by_hand(community, people):
    assert run_query("residents", community, MONTH) == 10
    assert run_query("households", community, MONTH) == 1
    assert run_query("share_aged:60", community, MONTH) == 40.0  # 1940, 1950, 1960, 1966-01-01 (60 on 2026-01-01)
    assert run_query("party_members_per_100", community, MONTH) == 10.0
    assert run_query("grid_coverage", community, MONTH) is not None


def _photo(name="sorting.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")


def _entry_posted(client, code):
    """November's neighbourhood events, 95, with a photo, posted on the community's evaluation page."""
    return client.post(
        f"/cockpit/communities/{code}/evaluation/",
        {"code": "neighbourhood_events", "month": "2026-11-01", "value": "95", "evidence": _photo()},
    )


def _meal(menu, resident, **status):
    """A meal of a resident aged 75, ordered now (served when `status` says so)."""
    return MealOrder.objects.create(
        community=menu.community,
        menu=menu,
        resident=resident,
        price_fen=1000,
        resident_fen=300,
        created_at=timezone.now(),
        age=75,
        **status,
    )


def test_canteen_meals_per_elderly_by_hand(community, people):
    canteen = make_facility(
        community, "c1", "elderly_canteen", name="喜柿餐厅", scenario="health", lat=30.285, lng=120.135, building=None
    )
    menu = make_menu(canteen, dt.date(2026, 11, 3))
    elderly = people[:4]
    for r in elderly[:3]:  # 3 served meals, 1 merely ordered, 1 in another month
        _meal(menu, r, status=MealOrder.Status.SERVED)
    _meal(menu, elderly[3])
    october = make_menu(canteen, dt.date(2026, 10, 30))
    _meal(october, elderly[0], status=MealOrder.Status.SERVED)
    assert run_query("canteen_meals_per_elderly", community, MONTH) == 0.75  # 3 meals / 4 residents aged 60+
    assert run_query("facilities_of_category:elderly_canteen", community, MONTH) == 1


def test_snapshot_is_computed_once_and_read_by_the_pages(community, people, users, django_assert_max_num_queries):
    snap = services.snapshot_refresh(community=community, month=MONTH)
    assert snap.values["party_members_per_100"] == 10.0
    assert snap.figures["residents_by_age"]["senior_80"] == 1
    again = services.snapshot_refresh(community=community, month=MONTH)
    assert again.pk == snap.pk and Snapshot.objects.count() == 1
    client = client_for(users["social_worker"])
    client.get("/cockpit/communities/shibei/")  # warm up sessions and caches
    with django_assert_max_num_queries(25):
        response = client.get("/cockpit/communities/shibei/")
    assert response.status_code == 200 and 'data-testid="overall"' in response.content.decode()


# Who may open which cockpit: community page, street page, city page.
MATRIX = {
    "resident": (404, 404, 404),
    "volunteer": (404, 404, 404),
    "grid_steward": (200, 404, 404),
    "social_worker": (200, 404, 404),
    "community_admin": (200, 404, 404),
    "merchant_staff": (404, 404, 404),
    "operator": (404, 404, 404),
    "street_admin": (200, 200, 404),
    "city_viewer": (200, 200, 200),
    "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_who_sees_which_cockpit(role, users, community, other_community):
    client = client_for(users[role])
    got = (
        client.get("/cockpit/communities/shibei/").status_code,
        client.get("/cockpit/streets/ningwei/").status_code,
        client.get("/cockpit/city/").status_code,
    )
    assert got == MATRIX[role]
    api = client.get("/api/v1/communities/shibei/cockpit").status_code
    assert api == MATRIX[role][0]


OWN_COMMUNITY_PAGES = ["/", "/evaluation/", "/evaluation.pdf", "/evaluation.xlsx"]


@pytest.mark.parametrize("role", ["grid_steward", "social_worker", "community_admin"])
def test_a_communitys_staff_see_only_their_own(role, users, community, other_community, far_community):
    client = client_for(users[role])
    assert client.get("/cockpit/communities/shibei/").status_code == 200
    assert client.get("/api/v1/communities/shibei/cockpit").status_code == 200
    for code in ("limin", "guangde"):  # a neighbour in the same street, and one in another street
        for page in OWN_COMMUNITY_PAGES:
            assert client.get(f"/cockpit/communities/{code}{page}").status_code == 404, (code, page)
        assert client.get(f"/api/v1/communities/{code}/cockpit").status_code == 404
    assert client.get("/cockpit/streets/ningwei/").status_code == 404
    assert client.get("/api/v1/streets/ningwei/cockpit").status_code == 404
    assert client.get("/api/v1/cockpit/city").status_code == 404
    refused = _entry_posted(client, "limin")
    assert refused.status_code == 404
    with pytest.raises(NotAllowed):
        services.indicator_entry_create(
            actor=users[role], community=other_community, code="neighbourhood_events", month=MONTH, value=95
        )
    assert not IndicatorEntry.objects.exists() and not AuditEntry.objects.filter(action="indicator.enter").exists()


def test_the_street_admin_sees_the_streets_communities_only(users, community, other_community, far_community):
    client = client_for(users["street_admin"])
    assert {row["community"] for row in client.get("/api/v1/streets/ningwei/cockpit").json()} == {"shibei", "limin"}
    assert client.get("/cockpit/communities/limin/").status_code == 200
    assert client.get("/cockpit/communities/guangde/").status_code == 404
    assert client.get("/cockpit/streets/beigan/").status_code == 404


def test_the_city_viewer_sees_everything_and_changes_nothing(users, community, other_community, far_community):
    for c in (community, other_community, far_community):
        services.snapshot_refresh(community=c, month=MONTH)
    client = client_for(users["city_viewer"])
    body = client.get("/cockpit/city/").content.decode()
    assert 'data-testid="community-count">3<' in body
    assert "供给指数低于 70 的社区" in body  # the list is by supply index, not by the evaluation's score
    assert {row["community"] for row in client.get("/api/v1/cockpit/city").json()} == {"shibei", "limin", "guangde"}
    for code in ("shibei", "limin", "guangde"):
        for page in OWN_COMMUNITY_PAGES:
            assert client.get(f"/cockpit/communities/{code}{page}").status_code == 200, (code, page)
        evaluation = client.get(f"/cockpit/communities/{code}/evaluation/").content.decode()
        assert 'data-testid="entry-form"' not in evaluation
    for street in ("ningwei", "beigan"):
        assert client.get(f"/cockpit/streets/{street}/").status_code == 200
    before = (IndicatorEntry.objects.count(), AuditEntry.objects.count(), Snapshot.objects.count())
    response = _entry_posted(client, "shibei")
    assert response.status_code == 403
    with pytest.raises(NotAllowed):
        services.indicator_entry_create(
            actor=users["city_viewer"], community=community, code="neighbourhood_events", month=MONTH, value=95
        )
    assert (IndicatorEntry.objects.count(), AuditEntry.objects.count(), Snapshot.objects.count()) == before
    assert Snapshot.objects.get(community=community, month=MONTH).values["neighbourhood_events"] is None


def test_an_entered_value_needs_evidence_where_required(users, community, django_capture_on_commit_callbacks):
    worker = users["social_worker"]
    with pytest.raises(DomainError, match=r"佐证材料|evidence"):
        services.indicator_entry_create(
            actor=worker, community=community, code="neighbourhood_events", month=MONTH, value=92
        )
    assert not IndicatorEntry.objects.exists()
    with pytest.raises(DomainError):
        services.indicator_entry_create(actor=worker, community=community, code="supply_index", month=MONTH, value=92)
    photo = _photo()
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.indicator_entry_create(
            actor=worker, community=community, code="neighbourhood_events", month=MONTH, value=92, files=[photo]
        )
    assert entry.evidence.count() == 1 and AuditEntry.objects.filter(action="indicator.enter").exists()
    assert Snapshot.objects.get(community=community, month=MONTH).values["neighbourhood_events"] == 92


def test_entry_page_refuses_without_evidence_in_both_languages(users, community):
    for language, text in (("zh-hans", "佐证材料"), ("en", "needs evidence")):
        response = client_for(users["social_worker"], language).post(
            "/cockpit/communities/shibei/evaluation/",
            {"code": "neighbourhood_events", "month": "2026-11-01", "value": "95"},
        )
        assert response.status_code == 200 and text in response.content.decode()
    assert not IndicatorEntry.objects.exists()


def test_the_entry_page_takes_several_evidence_files_at_once(users, community, django_capture_on_commit_callbacks):
    """What a browser sends for `<input type=file multiple>` with two photos chosen: two parts of one name."""
    photos = [_photo(f"sorting-{n}.png") for n in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["social_worker"]).post(
            "/cockpit/communities/shibei/evaluation/",
            {"code": "neighbourhood_events", "month": "2026-11-01", "value": "95", "evidence": photos},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = IndicatorEntry.objects.get(community=community)
    assert entry.value == 95 and entry.evidence.count() == 2


def test_evidence_keeps_its_chinese_file_name_on_the_page_and_in_the_download(
    users, community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users["social_worker"]).post(
            "/cockpit/communities/shibei/evaluation/",
            {"code": "neighbourhood_events", "month": "2026-11-01", "value": "5", "evidence": [_photo("签到表.png")]},
        )
    evidence = IndicatorEntry.objects.get(community=community).evidence.get()
    client = client_for(users["social_worker"])
    assert "签到表.png" in client.get("/cockpit/communities/shibei/evaluation/").content.decode()
    response = client.get(f"/cockpit/communities/shibei/evidence/{evidence.pk}/")
    assert response.status_code == 200 and "%E7%AD%BE%E5%88%B0%E8%A1%A8.png" in response["Content-Disposition"]


# What the reports say, in English; the Chinese is whatever the catalogues make of it, and must differ.
REPORT = {
    "pdf": [
        "Self-assessment report",
        "Summary",
        "Scores by scenario",
        "Indicators",
        "What is missing to reach the next level",
        "Map",
        "Buildings and streets © OpenStreetMap contributors",
    ],
    "sheets": ["Evaluation", "Indicators", "Figures"],
    "headers": ["Scenario", "Indicator", "Unit", "Value", "Target", "Weight", "Score", "Source"],
    "first": ["Community"],
    "figures": ["Figure", "Item", "Value"],
}
INDICATOR = {"en": "Party members per 100 residents", "zh-hans": "每百名居民中党员数"}


def in_language(language: str, texts: list[str]) -> list[str]:
    from django.utils import translation

    with translation.override(language):
        translated = [translation.gettext(t) for t in texts]
    if language != "en":
        assert all(t != e and re.search(r"[\u4e00-\u9fff]", t) for t, e in zip(translated, texts, strict=True))
    return translated


@pytest.mark.parametrize(
    ("browser_language", "query", "expected", "unexpected"),
    [
        ("en", "", "zh-hans", "Scores by scenario"),  # Chinese unless English is asked for, whatever the browser
        ("zh-hans", "?lang=en", "en", "分场景得分"),
        ("en", "?lang=zh-hans", "zh-hans", "Scores by scenario"),
    ],
)
def test_reports_pdf_and_excel_in_the_chosen_language(
    users, community, people, browser_language, query, expected, unexpected
):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    services.snapshot_refresh(community=community, month=MONTH)
    client = client_for(users["community_admin"], browser_language)
    want = {key: in_language(expected, texts) for key, texts in REPORT.items()}
    pdf = client.get(f"/cockpit/communities/shibei/evaluation.pdf{query}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert f"-{expected}.pdf" in pdf["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for section in [*want["pdf"], INDICATOR[expected]]:
        assert section in text, section
    assert unexpected not in text
    response = client.get(f"/cockpit/communities/shibei/evaluation.xlsx{query}")
    assert f"-{expected}.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == want["sheets"]
    summary, indicators, figures = (book[name] for name in want["sheets"])
    assert next(summary.iter_rows(values_only=True)) == (want["first"][0], "市北社区")
    assert list(next(indicators.iter_rows(values_only=True))) == want["headers"]
    assert list(next(figures.iter_rows(values_only=True))) == want["figures"]
    names = [row[1] for row in indicators.iter_rows(min_row=2, values_only=True)]
    assert INDICATOR[expected] in names
    numbers = [c for row in book.worksheets[1].iter_rows(min_row=2) for c in row if isinstance(c.value, int | float)]
    assert numbers and all(c.number_format in ("#,##0", "#,##0.0#") for c in numbers)  # with separators


def test_reports_refuse_an_unknown_language(users, community):
    client = client_for(users["community_admin"], "en")
    for path in ("evaluation.pdf", "evaluation.xlsx"):
        response = client.get(f"/cockpit/communities/shibei/{path}?lang=fr")
        assert response.status_code == 400 and "Choose Chinese (zh-hans) or English (en)" in response.content.decode()


def test_evaluation_page_offers_the_report_language(users, community):
    from linli.cockpit.selectors import last_complete_month

    services.snapshot_refresh(community=community, month=last_complete_month())  # reports exist for a month graded
    body = client_for(users["community_admin"], "en").get("/cockpit/communities/shibei/evaluation/").content.decode()
    assert '<select id="report-lang" name="lang">' in body
    assert '<option value="zh-hans" lang="zh-hans" selected>中文</option>' in body
    assert 'formaction="/cockpit/communities/shibei/evaluation.pdf"' in body
    assert 'formaction="/cockpit/communities/shibei/evaluation.xlsx"' in body


def test_governance_and_points_queries_by_hand(community, people, users):
    from linli.consultation.models import Matter
    from linli.ledger.services import points_earn
    from linli.reports.models import Category, Report

    category = Category.objects.create(
        community=community, code="lamp", name="路灯", responsible=users["social_worker"]
    )
    at = timezone.make_aware(dt.datetime(2026, 11, 10, 9))
    base = {
        "community": community,
        "category": category,
        "description": "灯坏了",
        "lat": 30.285,
        "lng": 120.135,
        "created_at": at - dt.timedelta(days=2),
        "updated_at": at,
    }
    Report.objects.create(**base, token="t0", status=Report.Status.RESOLVED, resolved_at=at)
    Report.objects.create(**base, token="t1", status=Report.Status.RESOLVED, resolved_at=at, overdue=True)
    Report.objects.create(**base, token="t2", status=Report.Status.CLOSED, resolved_at=at)
    Report.objects.create(**base, token="t3", status=Report.Status.RESOLVED, resolved_at=at - dt.timedelta(days=30))
    Report.objects.create(**base, token="t4", status=Report.Status.SUBMITTED, overdue=True)
    assert run_query("reports_resolved_in_time", community, MONTH) == round(100 * 2 / 3, 4)
    Matter.objects.create(
        community=community, kind="urgent", title="加装电梯", body="…", raised_by=users["resident"], done_at=at
    )
    assert run_query("matters_settled", community, MONTH) == 1
    for i, r in enumerate(people[:2]):
        points_earn(
            community=community, resident=r, rule_code="volunteer_hour", quantity=i + 1, idempotency_key=f"t{i}", now=at
        )
    # 10 and 20 points earned by two active residents
    assert run_query("points_earned_per_active_resident", community, MONTH) == 15.0


def test_volunteer_hours_per_100_by_hand(community, people, users):
    from linli.volunteering.models import Activity, ActivityType, ServiceRecord, SignUp, Team

    team = Team.objects.create(community=community, name="柿先锋")
    at = timezone.make_aware(dt.datetime(2026, 11, 8, 9))
    activity = Activity.objects.create(
        community=community,
        team=team,
        type=ActivityType.objects.create(community=community, name="义诊"),
        title="义诊",
        starts_at=at,
        ends_at=at + dt.timedelta(hours=3),
        capacity=10,
        organiser=users["social_worker"],
    )
    records = [(people[4], 180, "confirmed"), (people[5], 120, "confirmed"), (people[6], 60, "pending")]
    for r, minutes, status in records:
        signup = SignUp.objects.create(activity=activity, resident=r, created_at=at)
        ServiceRecord.objects.create(
            community=community,
            signup=signup,
            activity=activity,
            resident=r,
            minutes=minutes,
            status=status,
            served_on=at.date(),
        )
    # (3 h + 2 h) confirmed / 10 residents × 100 = 50 hours per 100 residents
    assert run_query("volunteer_hours_per_100", community, MONTH) == 50.0


def test_the_workbook_writes_a_formula_community_name_as_text(users, community, people):
    from openpyxl import load_workbook

    payload = '=HYPERLINK("http://x","y")'
    type(community).objects.filter(pk=community.pk).update(name=payload)
    services.snapshot_refresh(community=community, month=MONTH)
    response = client_for(users["community_admin"]).get("/cockpit/communities/shibei/evaluation.xlsx")
    cell = load_workbook(io.BytesIO(response.content)).worksheets[0]["B1"]
    assert (cell.data_type, cell.value) == ("s", "'" + payload)


def test_an_entry_that_fails_to_save_leaves_no_evidence_file(users, community, monkeypatch):
    from django.core.files.storage import default_storage

    folder = f"cockpit/evidence/{community.pk}/neighbourhood_events"
    before = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services, "audit_record", broken)
    photo = _photo("sorting-fail.png")
    with pytest.raises(RuntimeError):
        services.indicator_entry_create(
            actor=users["social_worker"],
            community=community,
            code="neighbourhood_events",
            month=MONTH,
            value=9,
            files=[photo],
        )
    after = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
    assert not IndicatorEntry.objects.exists() and after == before


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "未归属空间"), ("en", "Not booked to a space")])
def test_company_takings_not_booked_to_a_space_are_named(language, label):
    """The company's costs not booked to any space (staff, utilities) have a name on the cockpit, not a blank."""
    from django.utils import translation

    from linli.cockpit.views import money_rows

    with translation.override(language):
        rows = money_rows({"company": {"by_nature": {"earning": 81173, "": -13800}}})
    assert rows["by_nature"][1] == (label, -13800) and rows["by_nature"][0][0]
