"""Each button of a mediation case posts to its own page: the assigned mediator moves the case along; a party
of the case is refused with a message, anyone else finds no case there; the admin's two forms likewise."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.consultation.tests.factories import resident_user
from linli.mediation import services
from linli.mediation.models import Agreement, Case, CaseMediator, CaseParty, FollowUp, Mediator, Note, Session

pytestmark = pytest.mark.django_db
CASE = "/mediation/shibei/cases/{pk}/"


@pytest.fixture
def case_setup(community: Any, users: dict[str, Any], make_user: Any) -> dict[str, Any]:
    applicant = resident_user(community, name="张阿姨")
    mediator_user = make_user("social_worker", community)
    admin = users["community_admin"]
    mediator = services.mediator_add(actor=admin, community=community, user=mediator_user)
    case = services.case_open(
        actor=applicant, community=community, kind="neighbour", title="走廊堆物", summary="邻居在走廊堆放杂物。"
    )
    services.case_assign_mediator(actor=admin, case=case, mediator=mediator)
    return {"case": case, "applicant": applicant, "mediator": mediator_user, "admin": admin, "team": mediator}


def _counts() -> tuple[int, ...]:
    rows = (Note, Session, CaseParty, Agreement, FollowUp, CaseMediator, Mediator)
    return (*(m.objects.count() for m in rows), Case.objects.filter(status=Case.Status.CLOSED).count())


def _posts(case: Case, neighbour: Any) -> list[tuple[str, dict[str, str]]]:
    tomorrow = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    return [
        ("note/", {"text": "第一次沟通"}),
        ("session/", {"starts_at": tomorrow, "place": "居民会客厅"}),
        ("party/", {"resident": str(neighbour.resident.pk), "side": "respondent"}),
        (
            "agreement/",
            {
                "text": "本周内清理走廊全部杂物，今后不再堆放。",
                "follow_up_due": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            },
        ),
        ("follow-up/", {"outcome": "kept", "text": "回访：走廊已清理干净"}),
        ("close/", {"resolved": "1"}),
    ]


def test_mediator_moves_the_case_along_button_by_button(community: Any, case_setup: dict[str, Any]) -> None:
    case = case_setup["case"]
    neighbour = resident_user(community, name="李先生")
    c = client_for(case_setup["mediator"], "en")
    done = [
        "Note added.",
        "Session scheduled.",
        "Party added.",
        "Agreement recorded.",
        "Follow-up recorded.",
        "Case closed.",
    ]
    for (tail, data), message in zip(_posts(case, neighbour), done, strict=True):
        r = c.post(CASE.format(pk=case.pk) + tail, data, follow=True)
        assert r.status_code == 200 and message in r.content.decode(), tail
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.resolved is True
    assert CaseParty.objects.filter(case=case, resident=neighbour.resident, side="respondent").exists()
    assert Note.objects.filter(case=case).count() == 1 and FollowUp.objects.filter(case=case).count() == 1


def test_a_party_adds_a_note(case_setup: dict[str, Any]) -> None:
    case = case_setup["case"]
    r = client_for(case_setup["applicant"], "en").post(
        CASE.format(pk=case.pk) + "note/", {"text": "补充情况"}, follow=True
    )
    assert "Note added." in r.content.decode()
    assert Note.objects.filter(case=case, author=case_setup["applicant"]).count() == 1


def test_each_button_refuses_everyone_but_the_mediator(
    community: Any, other_community: Any, case_setup: dict[str, Any], users: dict[str, Any]
) -> None:
    case = case_setup["case"]
    neighbour = resident_user(community)
    before = _counts()
    for tail, data in _posts(case, neighbour):
        url = CASE.format(pk=case.pk) + tail
        if tail != "note/":  # a party may add a note (see below); the rest is the mediator's
            # a party of the case reaches the page but may not act: a message, nothing written
            r = client_for(case_setup["applicant"], "en").post(url, data, follow=True)
            assert r.status_code == 200 and "No such mediation case." in r.content.decode(), tail
        # anyone outside the case finds no case there
        for who in (users["resident"], users["social_worker"], case_setup["admin"], resident_user(other_community)):
            assert client_for(who, "en").post(url, data).status_code == 404, (tail, who)
        assert client_for(None).post(url, data).status_code == 302  # to the login
        assert client_for(case_setup["mediator"]).get(url).status_code == 405
    assert _counts() == before


def test_bad_input_on_the_case_buttons(community: Any, case_setup: dict[str, Any]) -> None:
    case = case_setup["case"]
    c = client_for(case_setup["mediator"], "en")
    before = _counts()
    r = c.post(CASE.format(pk=case.pk) + "session/", {"starts_at": "tomorrow", "place": "x"}, follow=True)
    assert "Enter a date and time." in r.content.decode()
    r = c.post(CASE.format(pk=case.pk) + "agreement/", {"text": "x", "follow_up_due": "soon"}, follow=True)
    assert "Enter the follow-up date." in r.content.decode()
    r = c.post(CASE.format(pk=case.pk) + "party/", {"resident": "999999", "side": "respondent"}, follow=True)
    assert "Some parties are not residents of this community." in r.content.decode()
    assert c.post(CASE.format(pk=case.pk) + "party/", {"resident": "1x", "side": "respondent"}).status_code == 404
    assert _counts() == before


def test_admin_adds_to_the_team_and_assigns(community: Any, case_setup: dict[str, Any], make_user: Any) -> None:
    case, admin = case_setup["case"], case_setup["admin"]
    newcomer = make_user("social_worker", community)
    c = client_for(admin, "en")
    r = c.post("/mediation/shibei/team/", {"mobile": newcomer.mobile, "team": "柿宜解"}, follow=True)
    assert "Mediator added to the team." in r.content.decode()
    added = Mediator.objects.get(community=community, user=newcomer)
    r = c.post("/mediation/shibei/team/", {"mobile": "13900000000"}, follow=True)
    assert "No account has this mobile number." in r.content.decode()
    r = c.post("/mediation/shibei/assign/", {"case": str(case.pk), "mediator": str(added.pk)}, follow=True)
    assert "Mediator assigned." in r.content.decode()
    assert CaseMediator.objects.filter(case=case, mediator=added).exists()
    assert c.post("/mediation/shibei/assign/", {"case": "999999", "mediator": str(added.pk)}).status_code == 404


def test_admin_forms_refuse_everyone_else(
    community: Any, case_setup: dict[str, Any], users: dict[str, Any], make_user: Any
) -> None:
    case, team = case_setup["case"], case_setup["team"]
    newcomer = make_user("social_worker", community)
    before = _counts()
    for who in ("resident", "grid_steward", "social_worker", "street_admin", "city_viewer"):
        c = client_for(users[who], "en")
        r = c.post("/mediation/shibei/team/", {"mobile": newcomer.mobile}, follow=True)
        assert "Only the community admin may change the mediation team." in r.content.decode(), who
        # the same answer for a number with no account: nobody but the admin learns whether an account exists
        r = c.post("/mediation/shibei/team/", {"mobile": "13999999999"}, follow=True)
        assert "Only the community admin may change the mediation team." in r.content.decode(), who
        assert "No account has this mobile number." not in r.content.decode(), who
        r = c.post("/mediation/shibei/assign/", {"case": str(case.pk), "mediator": str(team.pk)})
        assert r.status_code in (403, 404), who
    assert _counts() == before
