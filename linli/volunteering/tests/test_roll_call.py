"""The organiser's roll call and the confirming of a whole list, from the run page and the API: those ticked are
checked in (all or none), every recorded hour is confirmed at once; anyone else is refused and nothing changes."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.volunteering import services
from linli.volunteering.models import Activity, ServiceRecord, SignUp

from .conftest import soon_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(organiser: Any, community: Any, volunteer: Any, second_volunteer: Any) -> Activity:
    """An activity that began ten minutes ago, with both volunteers on its list and neither checked in."""
    activity = soon_activity(organiser, community, title="环境整治")
    for resident in (volunteer, second_volunteer):
        services.signup_create(actor=resident.user, activity=activity, resident=resident)
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=110)
    )
    activity.refresh_from_db()
    return activity


@pytest.mark.parametrize(
    ("language", "ticked", "checked", "confirmed", "empty"),
    [
        (
            "zh-hans",
            "为勾选的志愿者签到",
            "已签到的志愿者：2 位。",
            "已确认服务时长的志愿者：2 位。",
            "请勾选本次活动名单中到场的志愿者。",
        ),
        (
            "en",
            "Check in those ticked",
            "Volunteers checked in: 2.",
            "Volunteers whose hours were confirmed: 2.",
            "Tick the volunteers on this activity",
        ),
    ],
)
def test_the_organiser_ticks_off_who_came_then_confirms_all_hours_on_the_run_page(
    organiser, volunteer, second_volunteer, running, language, ticked, checked, confirmed, empty
):
    page = client_for(organiser, language)
    page.cookies["linli_elder"] = "1"  # large text: the same list and buttons
    run = f"/volunteer/activities/{running.pk}/run/"
    html = page.get(run).content.decode()
    assert (
        ticked in html
        and f'value="{volunteer.pk}" form="roll-call"' in html
        and 'data-testid="confirm-all"' not in html
    )
    nothing = page.post(f"/volunteer/activities/{running.pk}/roll-call/", follow=True).content.decode()
    assert empty in nothing and not ServiceRecord.objects.exists()
    done = page.post(
        f"/volunteer/activities/{running.pk}/roll-call/", {"resident": [volunteer.pk, second_volunteer.pk]}, follow=True
    ).content.decode()
    assert checked in done and 'data-testid="confirm-all"' in done
    assert ServiceRecord.objects.filter(activity=running, status="pending").count() == 2
    done = page.post(f"/volunteer/activities/{running.pk}/confirm-all/", follow=True).content.decode()
    assert confirmed in done
    assert ServiceRecord.objects.filter(activity=running, status="confirmed").count() == 2


def test_a_volunteer_cannot_run_the_roll_call_and_nothing_changes(volunteer, second_volunteer, running):
    own = client_for(volunteer.user, "en")
    for path, data in [("roll-call", {"resident": [second_volunteer.pk]}), ("confirm-all", {})]:
        refused = own.post(f"/volunteer/activities/{running.pk}/{path}/", data, follow=True).content.decode()
        assert "No such activity." in refused
    assert not ServiceRecord.objects.exists() and not SignUp.objects.filter(checked_in_at__isnull=False).exists()


def test_the_roll_call_and_confirm_all_through_the_api(community, organiser, volunteer, second_volunteer, running):
    from linli.conftest import make_resident

    api = client_for(organiser, "en")
    url = f"/api/v1/volunteering/activities/{running.pk}"
    stranger = make_resident(community, name="路人", seq=60)
    refused = api.post(
        f"{url}/roll-call", {"resident_ids": [volunteer.pk, stranger.pk]}, content_type="application/json"
    )
    assert refused.status_code == 400 and "Tick the volunteers" in refused.json()["error"]["message"]
    assert not ServiceRecord.objects.exists()
    assert api.post(f"{url}/confirm-all").json()["error"]["code"] == "nothing_to_confirm"
    made = api.post(
        f"{url}/roll-call", {"resident_ids": [volunteer.pk, second_volunteer.pk]}, content_type="application/json"
    )
    assert made.status_code == 201 and [r["status"] for r in made.json()] == ["pending", "pending"]
    done = api.post(f"{url}/confirm-all")
    assert done.status_code == 200 and [r["status"] for r in done.json()] == ["confirmed", "confirmed"]
    assert client_for(volunteer.user).post(f"{url}/confirm-all").status_code == 404
