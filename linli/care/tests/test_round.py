"""A steward's round: several visits recorded at once on the phone page and through the API, all or none."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.care import services
from linli.care.models import Visit
from linli.conftest import client_for
from linli.core.errors import DomainError

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_the_steward_records_a_round_on_the_phone_page(setup: Any) -> None:
    c = client_for(setup.steward, "zh-hans")
    c.cookies["linli_elder"] = "1"
    listing = c.get("/care/shibei/").content.decode()
    assert 'data-testid="round"' in listing
    page = c.get("/care/shibei/round/")
    html = page.content.decode()
    assert page.status_code == 200 and "张阿婆" in html and "李伯" in html and "王奶奶" not in html
    assert 'class="elder' in html
    r = c.post(
        "/care/shibei/round/",
        {"residents": [setup.alone.pk, setup.disabled.pk], "kind": "home", "seen": "1", "condition": "good"},
    )
    assert r.status_code == 302 and r["Location"] == "/care/shibei/"
    visits = Visit.objects.order_by("resident_id")
    assert [(v.resident_id, v.visited_by, v.condition, v.seen) for v in visits] == [
        (setup.alone.pk, setup.steward, "good", True),
        (setup.disabled.pk, setup.steward, "good", True),
    ]
    entry = AuditEntry.objects.get(action="care.visits_round")
    assert entry.after["residents"] == sorted([setup.alone.pk, setup.disabled.pk])


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_bad_round_is_told_and_saves_nothing(setup: Any, language: str) -> None:
    c = client_for(setup.steward, language)
    zh = language == "zh-hans"
    base = {"kind": "home", "seen": "1", "condition": "good"}
    cases = [
        ({**base}, "此项必填" if zh else "required"),
        ({**base, "residents": [setup.other_grid.pk]}, str(setup.other_grid.pk)),  # another grid's: not a choice
        ({**base, "residents": [setup.alone.pk], "condition": ""}, "说明" if zh else "Say how"),
        (
            {
                **base,
                "residents": [setup.alone.pk],
                "visited_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            },
            "将来" if zh else "future",
        ),
    ]
    for body, text in cases:
        r = c.post("/care/shibei/round/", body)
        assert r.status_code == 200 and text in r.content.decode(), (body, text)
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action="care.visits_round").exists()


def test_the_api_records_a_round_all_or_none(setup: Any) -> None:
    api = client_for(setup.steward, "en")

    def post(*visits: dict[str, Any]) -> Any:
        return api.post("/api/v1/communities/shibei/care/visits", {"visits": list(visits)}, JSON)

    alone, disabled = setup.alone.pk, setup.disabled.pk
    r = post(
        {"resident_id": alone, "condition": "good"}, {"resident_id": disabled, "condition": "fair", "note": "腿疼"}
    )
    assert r.status_code == 201 and r.json() == {"recorded": 2}
    assert Visit.objects.count() == 2
    # one bad visit refuses the whole round
    r = post({"resident_id": alone, "condition": "good"}, {"resident_id": disabled, "condition": "sleepy"})
    assert r.status_code == 400 and "condition" in r.json()["error"]["fields"]
    r = post({"resident_id": setup.other_grid.pk, "condition": "good"})
    assert r.status_code == 404
    r = post()
    assert r.status_code == 422
    r = post({"resident_id": alone, "condition": "good"}, {"resident_id": alone, "condition": "good"})
    assert r.status_code == 400
    assert Visit.objects.count() == 2


@pytest.mark.parametrize("role", ["resident", "volunteer", "operator", "merchant_staff", "outsider", "city_viewer"])
def test_who_may_not_record_a_round(setup: Any, role: str) -> None:
    api = client_for(setup.users[role])
    r = api.post(
        "/api/v1/communities/shibei/care/visits",
        {"visits": [{"resident_id": setup.alone.pk, "condition": "good"}]},
        JSON,
    )
    assert r.status_code in (403, 404)
    assert client_for(setup.users[role]).get("/care/shibei/round/").status_code in (302, 403, 404)
    assert not Visit.objects.exists()


def test_the_demos_import_keeps_its_past_visits(setup: Any) -> None:
    """Without `now` (the demo, an import) a visit is checked as of its own day; a page or the API gives `now`."""
    long_ago = timezone.now() - dt.timedelta(days=200)
    visit = {"resident": setup.alone, "visited_at": long_ago, "condition": "good"}
    assert services.visits_record_many(actor=setup.users["social_worker"], visits=[visit]) == 1
    with pytest.raises(DomainError) as refused:
        services.visits_record_many(actor=setup.users["social_worker"], visits=[visit], now=timezone.now())
    assert refused.value.field == "visited_at"
