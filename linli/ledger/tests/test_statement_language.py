"""A points statement reads in its reader's language wherever it is shown: the history page, the API, the personal
data download and the company's monthly workbook. Each line is described from what caused it (the earning rule
and the report, activity or proposal; the product; the expiry), translated when read. A memo is only a short detail
in no set language (a name, a number): earlier rows whose memo was written in English ("Report #12", "matter 73",
"3h") never reach a reader."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import translation

from linli.conftest import client_for
from linli.core.tests.accessibility import file_text, raw_text_problems
from linli.ledger import services
from linli.ledger.models import Transaction

pytestmark = pytest.mark.django_db

# memos that older versions wrote in English, or with a raw key
LEGACY_MEMOS = ("Report #12", "matter 73", "邻里节 · 3h", "2026-12-05 missing_at_provider")


def _text(html: str) -> str:
    """The statement table's text as a person reads it (tags dropped)."""
    table = html[html.index("<table") : html.index("</table>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


@pytest.fixture
def history(shopper: Any, community: Any, make_user: Any) -> dict[str, Any]:
    """The shopper's points earned through the real services (a confirmed report, confirmed volunteer hours,
    support for a proposal), an expiry, and older lines whose memos were written in English."""
    from linli.accounts.models import Role
    from linli.reports.defaults import categories_create_defaults
    from linli.reports.services.intake import report_submit
    from linli.reports.services.workflow import report_confirmed_award_points
    from linli.volunteering.services import record_confirm
    from linli.volunteering.tests.conftest import make_activity
    from linli.volunteering.tests.test_services import AT_START, signed_in

    admin = make_user(Role.COMMUNITY_ADMIN, community)
    category = next(iter(categories_create_defaults(actor=admin, community=community)))
    report = report_submit(
        actor=shopper.user,
        community=community,
        category=category,
        description="路灯不亮了",
        building=community.buildings.first(),
        attributes={},
    )
    report_confirmed_award_points(report=report, actor=admin)
    activity = make_activity(admin, community, title="邻里节")
    record_confirm(actor=admin, record=signed_in(activity, shopper), now=AT_START + dt.timedelta(hours=3))
    legacy = [
        services.points_earn(
            community=community,
            resident=shopper,
            rule_code=rule,
            idempotency_key=key,
            memo=memo,
        ).transaction
        for rule, key, memo in (
            ("report_confirmed", f"report:{report.pk}:legacy", LEGACY_MEMOS[0]),
            ("consultation_support", "consultation:support:73:1", LEGACY_MEMOS[1]),
            ("volunteer_hour", "volunteer-hours:legacy", LEGACY_MEMOS[2]),
            ("volunteer_hour", "legacy-recon", LEGACY_MEMOS[3]),
        )
    ]
    return {"report": report, "activity": activity, "legacy": legacy, "admin": admin}


def test_every_memo_written_now_is_neutral_or_peoples_own_words(shopper, history):
    written = Transaction.objects.filter(entries__account__resident=shopper).exclude(
        pk__in=[t.pk for t in history["legacy"]]
    )
    memos = sorted({t.memo for t in written})
    assert f"#{history['report'].pk}" in memos and "邻里节" in memos, memos
    for memo in memos:
        assert raw_text_problems(memo, chinese=True) == [], memo


def test_the_history_page_says_why_in_chinese_and_in_english(shopper, history):
    zh = _text(client_for(shopper.user, "zh-hans").get("/ledger/").content.decode())
    assert raw_text_problems(zh, chinese=True) == [], zh
    for memo in LEGACY_MEMOS:
        assert memo not in zh, zh
    assert "3h" not in zh and "Report" not in zh and "matter" not in zh
    assert "邻里节" in zh and "不亮了" not in zh  # the activity is named; a report by its category, not its words
    assert "随手拍：路灯、楼道灯不亮" in zh, zh

    en = _text(client_for(shopper.user, "en").get("/ledger/").content.decode())
    assert raw_text_problems(en, chinese=False) == [], en
    assert "Report: " in en and "邻里节" in en and "missing_at_provider" not in en


def test_the_statement_api_gives_a_reason_in_the_readers_language(shopper, history):
    lines = client_for(shopper.user, "zh-hans").get("/api/v1/ledger/me/statement").json()["items"]
    assert len(lines) == 6
    for line in lines:
        assert line["reason"] and raw_text_problems(line["reason"], chinese=True) == [], line
    en = client_for(shopper.user, "en").get("/api/v1/ledger/me/statement").json()["items"]
    assert all(raw_text_problems(line["reason"], chinese=False) == [] for line in en)
    assert {line["reason"] for line in en}.isdisjoint({line["reason"] for line in lines})


def test_the_books_api_lists_transactions_with_their_reason(shopper, history, community):
    rows = client_for(history["admin"], "zh-hans").get(f"/api/v1/communities/{community.code}/ledger/transactions")
    assert rows.status_code == 200, rows.content
    earned = [r for r in rows.json() if r["kind"] == "earn"]
    assert len(earned) == 6
    for row in earned:
        assert row["reason"] and raw_text_problems(row["reason"], chinese=True) == [], row


def test_the_personal_data_download_says_why_each_line_moved(shopper, history):
    response = client_for(shopper.user, "zh-hans").get("/accounts/me/data/download.xlsx")
    assert response.status_code == 200
    text = file_text(response.content, response["Content-Type"]) or ""
    points = text[text.index("积分") :]
    for memo in LEGACY_MEMOS:
        assert memo not in points
    assert "随手拍：" in points and "邻里节" in points, points
    with translation.override("zh-hans"):
        assert raw_text_problems(points, chinese=True) == [], points
