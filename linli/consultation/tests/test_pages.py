"""Pages in Chinese, English and elder mode; hidden results never in the HTML."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.consultation import services
from linli.consultation.models import Vote

from .factories import running_vote, tomorrows_meeting

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_pages_render(community: Any, staff: Any, alice: Any, matter: Any, language: str, elder: bool) -> None:
    meeting = tomorrows_meeting(community, staff, [matter])
    vote = running_vote(community, staff)
    for user in (alice, staff):
        c = client_for(user, language)
        if elder:
            c.cookies["linli_elder"] = "1"
        for url in (
            "/consultation/shibei/",
            f"/consultation/shibei/matters/{matter.pk}/",
            "/consultation/shibei/meetings/",
            f"/consultation/shibei/meetings/{meeting.pk}/",
            "/consultation/shibei/votes/",
            f"/consultation/shibei/votes/{vote.pk}/",
            "/consultation/shibei/tasks/",
            "/consultation/shibei/matters/new/",
            "/mediation/shibei/",
            "/mediation/shibei/statistics/",
        ):
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)
            html = r.content.decode()
            assert ('class="elder' in html) == elder
    en = client_for(alice, "en").get("/consultation/shibei/").content.decode()
    assert "Round table" in en
    zh = client_for(alice, "zh-hans").get("/consultation/shibei/").content.decode()
    assert "Raise a matter" not in zh


def test_support_and_refusal_through_page(community: Any, alice: Any, bob: Any, matter: Any) -> None:
    c = client_for(bob, "en")
    r = c.post(f"/consultation/shibei/matters/{matter.pk}/support/", {}, follow=True)
    assert "Thank you for your support." in r.content.decode()
    r = c.post(f"/consultation/shibei/matters/{matter.pk}/support/", {}, follow=True)
    assert "You already support this matter." in r.content.decode()
    matter.refresh_from_db()
    assert matter.support_count == 1


def test_hidden_results_not_in_page(community: Any, staff: Any, alice: Any) -> None:
    vote = running_vote(community, staff, question="换物业？", options=["赞成票", "反对票"], hide_results=True)
    services.ballot_cast(actor=alice, vote=vote, option=vote.options.first())
    for who in (alice, staff):
        html = client_for(who, "en").get(f"/consultation/shibei/votes/{vote.pk}/").content.decode()
        assert 'data-testid="results-hidden"' in html and 'data-testid="results"' not in html
        assert "ballots of" not in html


def test_export_for_staff_only(community: Any, staff: Any, alice: Any, matter: Any) -> None:
    r = client_for(staff).get("/consultation/shibei/export.csv")
    assert r.status_code == 200 and matter.title in r.content.decode("utf-8-sig")
    assert client_for(alice).get("/consultation/shibei/export.csv").status_code == 403


def test_export_writes_a_formula_title_as_inert_text(community: Any, staff: Any, matter: Any) -> None:
    import csv
    import io

    matter.title = '=HYPERLINK("http://x","y")'
    matter.save(update_fields=["title"])
    body = client_for(staff).get("/consultation/shibei/export.csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + matter.title in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_opening_a_vote_from_its_page_goes_to_the_vote_or_shows_what_was_wrong(community: Any, staff: Any) -> None:
    c = client_for(staff, "en")
    now = timezone.localtime()
    form = {
        "question": "加装电梯？",
        "options": "是\n否",
        "eligibility": "all",
        "opens_at": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": now.strftime("%Y-%m-%d %H:%M"),
    }
    refused = c.post("/consultation/shibei/votes/new/", form)
    assert refused.status_code == 200 and "A vote must close after it opens." in refused.content.decode()
    assert not Vote.objects.exists()
    made = c.post(
        "/consultation/shibei/votes/new/",
        {**form, "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")},
    )
    vote = Vote.objects.get()
    assert made.status_code == 302 and made.url == f"/consultation/shibei/votes/{vote.pk}/"
    assert [o.label for o in vote.options.order_by("pk")] == ["是", "否"]
