"""The pages and the API end to end: staff build and open a survey, a resident answers on the page and over the
API, results as charts and an Excel export, a summary on a round-table matter; the permission matrix."""

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.conftest import client_for, make_community
from linli.consultation.models import Matter
from linli.surveys import services
from linli.surveys.models import Question, Response, Survey

from .conftest import answers_for, build_survey

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_staff_build_open_and_read_a_survey_on_the_pages(estate: Any, social_worker: Any) -> None:
    c = client_for(social_worker)
    code = estate.community.code
    closes = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    bad = c.post(reverse("surveys:compose", args=[code]), {"title": "", "closes_at": closes, "per": "resident"})
    assert bad.status_code == 200 and not Survey.objects.exists()
    r = c.post(
        reverse("surveys:compose", args=[code]),
        {
            "title": "独居老人需求",
            "closes_at": closes,
            "per": "resident",
            "anonymous": "on",
            "buildings": [estate.b1.pk],
            "tags": [estate.alone.pk],
        },
    )
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("surveys:staff_detail", args=[code, survey.pk])
    add = reverse("surveys:question_add", args=[code, survey.pk])
    r = c.post(
        add,
        {"text": "需要什么服务？", "kind": "multiple", "required": "on", "options": "助餐\n助浴\n陪诊"},
        follow=True,
    )
    assert "已添加" in r.content.decode() or "Question added" in r.content.decode()
    r = c.post(add, {"text": "只有一项", "kind": "single", "options": "是"}, follow=True)
    assert survey.questions.count() == 1 and "至少" in r.content.decode()  # the refusal, in Chinese
    c.post(add, {"text": "满意度", "kind": "scale", "required": "on"})
    c.post(add, {"text": "其他想法", "kind": "text"})
    r = c.post(reverse("surveys:publish", args=[code, survey.pk]), follow=True)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN and survey.recipients.count() == 2
    services.survey_answer(
        actor=estate.alone_b1_app.user,
        survey=survey,
        resident=estate.alone_b1_app,
        given={
            q.pk: g
            for q, g in zip(
                survey.questions.order_by("position"),
                [
                    services.Given(option_ids=[o.pk for o in survey.questions.first().options.all()[:2]]),  # type: ignore[union-attr]
                    services.Given(value=5),
                    services.Given(text="想有人陪我去医院"),
                ],
                strict=True,
            )
        },
    )
    page = c.get(reverse("surveys:results", args=[code, survey.pk])).content.decode()
    assert "data-survey-chart" in page and "echarts.min.js" in page and "想有人陪我去医院" in page
    assert "李大爷" not in page  # anonymous
    export = c.get(reverse("surveys:export", args=[code, survey.pk]))
    wb = load_workbook(io.BytesIO(export.content))
    cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "问题" in cells and "选项" in cells and "助餐" in cells and "李大爷" not in cells
    assert not any("_" in v and v.isascii() and v.islower() for v in cells)  # no raw keys
    # attach to a round-table matter: the matter page shows the summary, counts only
    matter = Matter.objects.create(
        community=estate.community,
        kind="major",
        title="开设老年食堂",
        body="是否开设老年食堂",
        origin_kind="staff",
        raised_by=social_worker,
    )
    c.post(reverse("surveys:attach", args=[code, survey.pk]), {"matter": str(matter.pk)})
    survey.refresh_from_db()
    assert survey.matter_id == matter.pk
    resident_view = client_for(estate.adult_b1.user).get(reverse("consultation:matter_detail", args=[code, matter.pk]))
    body = resident_view.content.decode()
    assert "matter-evidence" in body and "独居老人需求" in body and "1 / 2" not in body
    assert reverse("surveys:results", args=[code, survey.pk]) not in body  # no link for a resident
    r = c.post(reverse("surveys:attach", args=[code, survey.pk]), {"matter": "abc"}, follow=True)
    assert r.status_code == 200 and "error" in r.content.decode()
    survey.refresh_from_db()
    assert survey.matter_id == matter.pk


def test_a_resident_answers_on_the_page_once(estate: Any, social_worker: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    c = client_for(estate.alone_b1_app.user)
    home = c.get("/").content.decode()
    assert "home-surveys" in home and survey.title in home
    url = reverse("surveys:answer", args=[survey.pk])
    q1, q2, q3 = list(survey.questions.order_by("position"))
    r = c.post(url, {f"q{q1.pk}": str(q1.options.first().pk)})  # type: ignore[union-attr]
    assert r.status_code == 200 and "请回答" in r.content.decode() and not Response.objects.exists()
    r = c.post(url, {f"q{q1.pk}": "999999", f"q{q2.pk}": "3"})
    assert r.status_code == 200 and not Response.objects.exists()
    r = c.post(url, {f"q{q1.pk}": str(q1.options.first().pk), f"q{q2.pk}": "4", f"q{q3.pk}": "谢谢"})  # type: ignore[union-attr]
    assert r.status_code == 302 and Response.objects.count() == 1
    r = c.get(url)
    assert "already-answered" in r.content.decode()
    assert "home-surveys" not in c.get("/").content.decode()
    # 张伟 answers for 陈阿婆 of his household, from his list
    helper = client_for(estate.adult_b1.user)
    listing = helper.get(reverse("surveys:my_list")).content.decode()
    assert f"?for={estate.alone_b1.pk}" in listing
    r = helper.post(url + f"?for={estate.alone_b1.pk}", {f"q{q1.pk}": str(q1.options.last().pk), f"q{q2.pk}": "2"})  # type: ignore[union-attr]
    assert r.status_code == 302 and Response.objects.count() == 2
    assert helper.get(url + "?for=abc").status_code == 404


def test_the_api_builds_answers_and_reports(estate: Any, social_worker: Any) -> None:
    staff = client_for(social_worker)
    base = f"{API}/communities/{estate.community.code}/surveys"
    closes = (timezone.now() + dt.timedelta(days=5)).isoformat()
    r = staff.post(base, {"title": "", "closes_at": closes}, content_type="application/json")
    assert r.status_code == 400 and not Survey.objects.exists()
    r = staff.post(
        base,
        {
            "title": "停车需求",
            "closes_at": closes,
            "anonymous": False,
            "targets": {"building_ids": [estate.b1.pk], "tags": ["elderly_living_alone"]},
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = staff.post(
        f"{base}/{sid}/questions",
        {"kind": "single", "text": "有车吗？", "options": ["有", "没有"]},
        content_type="application/json",
    )
    assert r.status_code == 201
    bad = staff.post(f"{base}/{sid}/questions", {"kind": "single", "text": "?"}, content_type="application/json")
    assert bad.status_code == 400 and "error" in bad.json()
    assert staff.post(f"{base}/{sid}/publish").json()["status"] == "open"
    q = Question.objects.get(survey_id=sid)
    me = client_for(estate.alone_b1_app.user)
    mine = me.get(f"{API}/me/surveys").json()
    assert [s["id"] for s in mine] == [sid]
    payload = {"answers": [{"question_id": q.pk, "option_ids": [q.options.last().pk]}]}  # type: ignore[union-attr]
    assert me.post(f"{API}/me/surveys/{sid}/answers", payload, content_type="application/json").status_code == 201
    again = me.post(f"{API}/me/surveys/{sid}/answers", payload, content_type="application/json")
    assert again.status_code == 409 and "已经" in again.json()["error"]["message"]
    results = staff.get(f"{base}/{sid}/results").json()
    assert results["responses"] == 1 and results["questions"][0]["options"][1]["count"] == 1
    assert me.get(f"{base}/{sid}/results").status_code in (403, 404)


def test_permission_matrix(estate: Any, users: dict[str, Any], social_worker: Any, street: Any) -> None:
    survey = services.survey_publish(actor=social_worker, survey=build_survey(social_worker, estate))
    other = make_community(street, "other", "他社区")
    code = estate.community.code
    pages = {
        "list": reverse("surveys:staff_list", args=[code]),
        "detail": reverse("surveys:staff_detail", args=[code, survey.pk]),
        "results": reverse("surveys:results", args=[code, survey.pk]),
        "export": reverse("surveys:export", args=[code, survey.pk]),
        "api": f"{API}/communities/{code}/surveys/{survey.pk}/results",
    }
    writers = {"social_worker", "community_admin", "street_admin", "city_admin"}
    for role in (
        "resident",
        "volunteer",
        "grid_steward",
        "social_worker",
        "community_admin",
        "merchant_staff",
        "operator",
        "street_admin",
        "outsider",
    ):
        c = client_for(users[role])
        for name, url in pages.items():
            status = c.get(url).status_code
            if role in writers:
                assert status == 200, (role, name, status)
            else:
                assert status in (403, 404), (role, name, status)
        workbench = c.get(f"/communities/{code}/").content.decode()
        assert ("surveys-link" in workbench) == (role in writers), role
    # staff of another community: its code gives nothing of this survey
    from linli.accounts.models import Role

    foreign = estate.community.__class__.objects.get(pk=other.pk)
    from linli.accounts.models import RoleAssignment, User

    stranger = User.objects.create_user(mobile="13911112222", password="pass-word-123")
    RoleAssignment.objects.create(user=stranger, role=Role.SOCIAL_WORKER, community=foreign)
    c = client_for(stranger)
    assert c.get(reverse("surveys:staff_detail", args=[code, survey.pk])).status_code == 404
    assert c.get(reverse("surveys:staff_detail", args=[foreign.code, survey.pk])).status_code == 404
    assert c.get(f"{API}/communities/{foreign.code}/surveys/{survey.pk}").status_code == 404
    # nobody but the asked answers
    assert client_for(users["outsider"]).get(reverse("surveys:answer", args=[survey.pk])).status_code == 404
    answers_for(survey)
