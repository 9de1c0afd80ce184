"""A round's life: open for applications, under review, closed. Each move by the fund's staff only, audited;
a wrong move, or closing while applications wait for a decision, is refused and changes nothing. Pages and
API in Chinese and English."""

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from linli.audit.models import AuditEntry
from linli.conftest import client_for
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.fund import rules, services
from linli.fund.models import Application, GrantRound, ProjectReport, Review, Tranche

from .conftest import NOW, approved, donate, key, state, submitted

pytestmark = pytest.mark.django_db
PAGES = "/fund/shibei"
API = "/api/v1/fund/shibei"
JSON = "application/json"


def status_of(grant_round: GrantRound) -> str:
    return GrantRound.objects.get(pk=grant_round.pk).status


def moves() -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(action__startswith="fund.round_")
        .exclude(action="fund.round_create")
        .order_by("pk")
        .values_list("action", "before__status", "after__status")
    )


def apply(applicant_user: Any, grant_round: GrantRound, applicant: Any, fen: int = 300_000) -> Application:
    return submitted(applicant_user, grant_round, applicant, fen, now=NOW, title="楼道微更新", summary="改造楼道照明")


def in_review(manager: Any, grant_round: GrantRound) -> GrantRound:
    return services.round_start_review(actor=manager, grant_round=grant_round)


def closed(manager: Any, grant_round: GrantRound) -> GrantRound:
    return services.round_close(actor=manager, grant_round=in_review(manager, grant_round))


# --- services -------------------------------------------------------------------------------------------


def test_a_round_is_reviewed_then_closed_and_each_move_is_audited(
    manager, community, grant_round, applicant, applicant_user, reviewers
):
    # scoring and deciding while the round is still open has always worked, and still does
    assert rules.round_takes_scores(grant_round) and rules.round_takes_decisions(grant_round)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    reviewing = services.round_start_review(actor=manager, grant_round=grant_round)
    assert reviewing.status == status_of(grant_round) == "reviewing"
    assert moves() == [("fund.round_start_review", "open", "reviewing")]
    done = services.round_close(actor=manager, grant_round=grant_round)
    assert done.status == status_of(grant_round) == "closed"
    assert moves() == [("fund.round_start_review", "open", "reviewing"), ("fund.round_close", "reviewing", "closed")]
    entry = AuditEntry.objects.get(action="fund.round_close")
    assert entry.actor == manager and entry.community == community and entry.object_id == str(grant_round.pk)
    assert Application.objects.get(pk=grant.pk).status == "approved"


def test_under_review_reviewers_score_and_staff_decide_but_nobody_applies(
    manager, grant_round, applicant, applicant_user, reviewers
):
    application = apply(applicant_user, grant_round, applicant)
    services.review_score(actor=reviewers[0], application=application, score=70, now=NOW)  # while open
    in_review(manager, grant_round)
    before = state()
    with pytest.raises(DomainError) as refused:
        apply(applicant_user, grant_round, applicant)
    assert refused.value.code == "round_closed" and state() == before
    for r in reviewers[1:]:
        services.review_score(actor=r, application=application, score=90, now=NOW)
    decided = services.application_decide(actor=manager, application=application, approve=False, note="重复立项")
    assert decided.status == "rejected"


def test_a_stale_round_object_cannot_slip_an_application_into_a_round_under_review(
    manager, grant_round, applicant, applicant_user
):
    stale = GrantRound.objects.get(pk=grant_round.pk)
    in_review(manager, grant_round)
    with pytest.raises(DomainError) as refused:
        apply(applicant_user, stale, applicant)
    assert refused.value.code == "round_closed" and not Application.objects.exists()


def test_once_closed_no_more_scores_or_decisions_but_grants_are_paid_and_report(
    manager, community, grant_round, applicant, applicant_user, reviewers, make_user
):
    donate(manager, community, 1_000_000)
    grant = approved(manager, grant_round, applicant, applicant_user, reviewers, 300_000)
    closed(manager, grant_round)
    late = make_user()
    grant_round.reviewers.add(late)
    before = state()
    with pytest.raises(Conflict) as refused:
        services.review_score(actor=late, application=grant, score=60, now=NOW)
    assert refused.value.code == "round_closed"
    with pytest.raises(Conflict) as refused:
        services.application_decide(actor=manager, application=grant, approve=False, note="撤销")
    assert refused.value.code == "round_closed"
    assert state() == before and Review.objects.filter(reviewer=late).count() == 0
    fresh = GrantRound.objects.get(pk=grant_round.pk)
    assert not rules.round_takes_scores(fresh) and not rules.round_takes_decisions(fresh)
    services.tranche_pay(actor=manager, application=grant, amount_fen=200_000, idempotency_key=key())
    services.report_submit(actor=applicant_user, application=grant, period="六月", body="改造完成", spent_fen=150_000)
    assert Tranche.objects.filter(application=grant).count() == 1
    assert ProjectReport.objects.filter(application=grant).count() == 1


@pytest.mark.parametrize(
    ("phase", "move", "en"),
    [
        ("open", "close", "Only a round under review can be closed; this round is “Open for applications”."),
        ("open", "reopen", "Only a round under review can be reopened; this round is “Open for applications”."),
        (
            "reviewing",
            "start_review",
            "Only a round open for applications can start its review; this round is “Under review”.",
        ),
        ("closed", "start_review", "Only a round open for applications can start its review; this round is “Closed”."),
        ("closed", "close", "Only a round under review can be closed; this round is “Closed”."),
        ("closed", "reopen", "Only a round under review can be reopened; this round is “Closed”."),
    ],
)
def test_wrong_moves_are_refused_in_the_users_language_and_change_nothing(manager, grant_round, phase, move, en):
    if phase != "open":
        in_review(manager, grant_round)
    if phase == "closed":
        services.round_close(actor=manager, grant_round=grant_round)
    service = {
        "start_review": services.round_start_review,
        "close": services.round_close,
        "reopen": lambda **kw: services.round_reopen(now=NOW, **kw),
    }[move]
    before, audited = state(), moves()
    for language in ("en", "zh-hans"):
        with translation.override(language), pytest.raises(Conflict) as refused:
            service(actor=manager, grant_round=grant_round)
        assert refused.value.code == "invalid_transition"
        if language == "en":
            assert str(refused.value.message) == en
        else:
            assert "本批次目前为" in str(refused.value.message), refused.value.message
    assert state() == before and moves() == audited and status_of(grant_round) == phase


def test_a_round_does_not_close_while_applications_wait_for_a_decision(
    manager, grant_round, applicant, applicant_user, reviewers
):
    approved(manager, grant_round, applicant, applicant_user, reviewers, 100_000)
    waiting = [apply(applicant_user, grant_round, applicant) for _ in range(2)]
    in_review(manager, grant_round)
    before, audited = state(), moves()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.round_close(actor=manager, grant_round=grant_round)
    assert refused.value.code == "undecided_applications" and refused.value.details == {"undecided": 2}
    assert str(refused.value.message) == (
        "2 applications are still undecided: approve or reject them before closing the round."
    )
    for r in reviewers:
        services.review_score(actor=r, application=waiting[0], score=50, now=NOW)
    services.application_decide(actor=manager, application=waiting[0], approve=False, note="预算不足")
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        services.round_close(actor=manager, grant_round=grant_round)
    assert str(refused.value.message) == "还有 1 份申请尚未决定，请先批准或驳回，再结束本轮。"
    assert status_of(grant_round) == "reviewing" and moves() == audited
    assert state() != before  # only the decision above changed anything
    for r in reviewers:
        services.review_score(actor=r, application=waiting[1], score=85, now=NOW)
    services.application_decide(actor=manager, application=waiting[1], approve=True, approved_fen=300_000)
    assert services.round_close(actor=manager, grant_round=grant_round).status == "closed"


def test_a_round_reopens_for_applications_until_its_closing_date(manager, grant_round, applicant, applicant_user):
    in_review(manager, grant_round)
    services.round_reopen(actor=manager, grant_round=grant_round, now=NOW)
    assert status_of(grant_round) == "open"
    assert apply(applicant_user, grant_round, applicant).status == "submitted"
    in_review(manager, grant_round)
    late = dt.datetime.combine(grant_round.closes_on + dt.timedelta(days=1), dt.time(9), tzinfo=NOW.tzinfo)
    before = state()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        services.round_reopen(actor=manager, grant_round=grant_round, now=late)
    assert refused.value.code == "past_closing_date" and grant_round.closes_on.isoformat() in str(refused.value)
    assert state() == before and status_of(grant_round) == "reviewing"
    assert [m[0] for m in moves()] == ["fund.round_start_review", "fund.round_reopen", "fund.round_start_review"]


def test_only_the_fund_staff_move_rounds(users, make_user, other_community, grant_round, reviewers, manager):
    others = [users[r] for r in ("resident", "volunteer", "grid_steward", "street_admin", "city_viewer", "outsider")]
    others += [reviewers[0], make_user("community_admin", other_community)]
    for phase in ("open", "reviewing"):
        for user in others:
            for service in (services.round_start_review, services.round_close, services.round_reopen):
                before = state()
                with pytest.raises(NotAllowed):
                    service(actor=user, grant_round=grant_round)
                assert state() == before and status_of(grant_round) == phase
        if phase == "open":
            in_review(manager, grant_round)
    assert [m[0] for m in moves()] == ["fund.round_start_review"]
    assert services.round_close(actor=users["social_worker"], grant_round=grant_round).status == "closed"


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_staff_move_a_round_from_its_page(manager, open_round, applicant, applicant_user, reviewers, language, elder):
    zh = language == "zh-hans"
    words = {
        "open": "申报中" if zh else "Open for applications",
        "reviewing": "评审中" if zh else "Under review",
        "closed": "已结束" if zh else "Closed",
        "start": "开始评审" if zh else "Start review",
        "close": "结束本轮" if zh else "Close round",
        "reopen": "重新开放申报" if zh else "Reopen for applications",
        "started": "评审已开始，本批次不再受理申报。"
        if zh
        else "The review has started: the round takes no more applications.",
        "done": "本轮已结束。" if zh else "The round is closed.",
        "waiting": "还有 1 份申请待决定" if zh else "1 application still needs a decision",
    }
    c = client_for(manager, language)
    if elder:
        c.cookies["linli_elder"] = "1"
    url = f"{PAGES}/rounds/{open_round.pk}/"
    html = c.get(url).content.decode()
    assert ('class="elder' in html) == elder
    assert words["open"] in _status(html) and f">{words['start']}<" in html
    assert f">{words['close']}<" not in html and f">{words['reopen']}<" not in html
    application = submitted(applicant_user, open_round, applicant)

    r = c.post(f"{url}start-review/", follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == url and words["started"] in html
    assert words["reviewing"] in _status(html) and f">{words['start']}<" not in html
    assert f">{words['close']}<" not in html and f">{words['reopen']}<" in html  # closes_on is a month away
    assert words["waiting"] in html
    r = c.post(f"{url}reopen/", follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == url and words["open"] in _status(html) and f">{words['start']}<" in html
    c.post(f"{url}start-review/")

    for r_user in reviewers:
        services.review_score(actor=r_user, application=application, score=80)
    services.application_decide(actor=manager, application=application, approve=True, approved_fen=300_000)
    html = c.get(url).content.decode()
    assert f">{words['close']}<" in html and words["waiting"] not in html
    r = c.post(f"{url}close/", follow=True)
    html = r.content.decode()
    assert words["done"] in html and words["closed"] in _status(html)
    assert 'data-testid="round-moves"' not in html
    manage = c.get(f"{PAGES}/manage/").content.decode()
    assert f'data-testid="status-{open_round.pk}">{words["closed"]}<' in manage
    assert status_of(open_round) == "closed"


def _status(html: str) -> str:
    start = html.index('data-testid="round-status"')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refused_move_on_the_page_says_why_and_changes_nothing(
    manager, open_round, applicant_user, applicant, language
):
    submitted(applicant_user, open_round, applicant)
    c = client_for(manager, language)
    url = f"{PAGES}/rounds/{open_round.pk}/"
    before = state()
    r = c.post(f"{url}close/", follow=True)  # a stale page: the round is still open
    expected = (
        "只有评审中的批次才能结束；本批次目前为“申报中”。"
        if language == "zh-hans"
        else "Only a round under review can be closed; this round is “Open for applications”."
    )
    assert r.status_code == 200 and expected in r.content.decode()
    c.post(f"{url}start-review/")
    r = c.post(f"{url}close/", follow=True)
    expected = "还有 1 份申请尚未决定" if language == "zh-hans" else "1 application is still undecided"
    assert expected in r.content.decode()
    assert status_of(open_round) == "reviewing" and moves() == [("fund.round_start_review", "open", "reviewing")]
    assert state()[2:] == before[2:]  # the applications and all the rest: untouched


def test_only_the_fund_staff_see_the_buttons_or_may_post_them(people, open_round):
    url = f"{PAGES}/rounds/{open_round.pk}/"
    for who in ("applicant", "resident", "reviewer", "street_admin", "city_viewer"):
        html = client_for(people[who]).get(url).content.decode()
        assert 'data-testid="round-moves"' not in html and 'data-testid="round-status"' in html, who
    assert 'data-testid="round-moves"' in client_for(people["admin"]).get(url).content.decode()
    refused = {"applicant": 403, "resident": 403, "reviewer": 403, "street_admin": 403, "city_viewer": 403}
    refused["other_admin"] = 404
    for who, status in refused.items():
        for move in ("start-review/", "close/", "reopen/"):
            before = state()
            assert client_for(people[who]).post(f"{url}{move}").status_code == status, who
            assert state() == before
    assert client_for(None).post(f"{url}start-review/").status_code == 302  # to the login
    for move in ("start-review/", "close/", "reopen/"):
        assert client_for(people["admin"]).get(f"{url}{move}").status_code == 405
    assert client_for(people["admin"]).post(f"{url}status/", {"action": "close"}).status_code == 404  # one URL a move
    assert status_of(open_round) == "open" and moves() == []


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_moves_a_round_and_refuses_in_the_one_error_shape(
    manager, open_round, applicant, applicant_user, reviewers
):
    application = submitted(applicant_user, open_round, applicant)
    url = f"{API}/rounds/{open_round.pk}"
    en, zh = client_for(manager, "en"), client_for(manager, "zh-hans")
    before = state()
    wrong = en.post(f"{url}/close", content_type=JSON)
    assert wrong.status_code == 409 and wrong.json()["error"] == {
        "code": "invalid_transition",
        "message": "Only a round under review can be closed; this round is “Open for applications”.",
        "fields": {},
    }
    assert state() == before

    r = en.post(f"{url}/start-review", content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == "reviewing" and r.json()["id"] == open_round.pk
    again = zh.post(f"{url}/start-review", content_type=JSON)
    assert again.status_code == 409 and again.json()["error"]["message"].startswith("只有申报中的批次才能开始评审")
    waiting = zh.post(f"{url}/close", content_type=JSON)
    assert waiting.status_code == 409 and waiting.json()["error"]["code"] == "undecided_applications"
    assert waiting.json()["error"]["message"] == "还有 1 份申请尚未决定，请先批准或驳回，再结束本轮。"
    assert set(waiting.json()["error"]) == {"code", "message", "fields"}
    assert status_of(open_round) == "reviewing"

    for r_user in reviewers:
        services.review_score(actor=r_user, application=application, score=40)
    services.application_decide(actor=manager, application=application, approve=False, note="与本期方向不符")
    r = en.post(f"{url}/close", content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert en.get(url).json()["status"] == "closed"
    reopen = en.post(f"{url}/reopen", content_type=JSON)
    assert reopen.status_code == 409 and reopen.json()["error"]["code"] == "invalid_transition"
    assert [m[0] for m in moves()] == ["fund.round_start_review", "fund.round_close"]


def test_the_api_reopens_a_round_under_review(manager, open_round):
    url = f"{API}/rounds/{open_round.pk}"
    assert client_for(manager).post(f"{url}/start-review", content_type=JSON).status_code == 200
    r = client_for(manager).post(f"{url}/reopen", content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == "open"


def test_the_api_refuses_others_and_hides_other_communities_rounds(people, open_round, other_community, manager):
    theirs = services.round_create(
        actor=people["other_admin"],
        community=other_community,
        name="利民一期",
        budget_fen=100_000,
        opens_on=open_round.opens_on,
        closes_on=open_round.closes_on,
    )
    for move in ("start-review", "close", "reopen"):
        before = state()
        for who, status in (("applicant", 403), ("reviewer", 403), ("street_admin", 403), ("other_admin", 404)):
            r = client_for(people[who]).post(f"{API}/rounds/{open_round.pk}/{move}", content_type=JSON)
            assert r.status_code == status, (who, move)
            assert set(r.json()["error"]) == {"code", "message", "fields"}
        r = client_for(manager).post(f"{API}/rounds/{theirs.pk}/{move}", content_type=JSON)  # not this community's
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert client_for(manager).post(f"{API}/rounds/999999/{move}", content_type=JSON).status_code == 404
        assert client_for(None).post(f"{API}/rounds/{open_round.pk}/{move}", content_type=JSON).status_code == 401
        assert state() == before
    assert status_of(theirs) == status_of(open_round) == "open"
