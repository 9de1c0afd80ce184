"""Check-in codes cannot be guessed: five wrong tries per volunteer and activity, then a ten-minute cooldown."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from linli.conftest import client_for, run_together
from linli.core.errors import DomainError
from linli.core.throttle import Throttled
from linli.volunteering import codes, services
from linli.volunteering.models import Activity, ServiceRecord

from .conftest import NOW, make_activity, soon_activity, type_named

AT_START = NOW + dt.timedelta(hours=2, minutes=1)


def wrong_code(activity, at) -> str:
    right = {codes.current_code(activity, at), codes.current_code(activity, at - dt.timedelta(minutes=1))}
    return next(c for c in ("000000", "111111", "222222") if c not in right)


def check_in(volunteer, activity, code, at=AT_START):
    return services.check_in(actor=volunteer.user, activity=activity, resident=volunteer, code=code, now=at)


@pytest.mark.django_db
def test_five_wrong_codes_then_even_the_right_one_waits_ten_minutes(
    organiser, community, activity, volunteer, second_volunteer
):
    other_activity = make_activity(organiser, community, title="义诊")
    for person, act in ((volunteer, activity), (second_volunteer, activity), (volunteer, other_activity)):
        services.signup_create(actor=person.user, activity=act, resident=person, now=NOW)
    for _ in range(5):
        with pytest.raises(DomainError) as wrong:
            check_in(volunteer, activity, wrong_code(activity, AT_START))
        assert wrong.value.code == "bad_code"
    with translation.override("en"), pytest.raises(Throttled) as refused:
        check_in(volunteer, activity, codes.current_code(activity, AT_START))
    assert refused.value.status == 429 and refused.value.code == "rate_limited"
    assert str(refused.value.message) == "Too many attempts. Please try again in 10 minutes."
    assert not ServiceRecord.objects.filter(resident=volunteer, activity=activity).exists()
    # the limit is per volunteer and activity
    check_in(second_volunteer, activity, codes.current_code(activity, AT_START))
    check_in(volunteer, other_activity, codes.current_code(other_activity, AT_START))
    # after the cooldown the right code works
    later = AT_START + dt.timedelta(minutes=10, seconds=1)
    assert check_in(volunteer, activity, codes.current_code(activity, later), at=later).minutes == 120


@pytest.mark.django_db
def test_guessing_through_the_api_and_the_page_is_refused_in_the_users_language(community, organiser, volunteer):
    activity = soon_activity(
        organiser, community, days=1, hours=3, title="义诊", type=type_named(community, "义诊"), capacity=5
    )
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer)
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(starts_at=now - dt.timedelta(minutes=5))
    activity.refresh_from_db()
    url = f"/api/v1/volunteering/activities/{activity.pk}/check-in"
    api = client_for(volunteer.user)
    for _ in range(5):
        guess = api.post(url, {"code": wrong_code(activity, timezone.now())}, content_type="application/json")
        assert guess.status_code == 400
    right = codes.current_code(activity, timezone.now())
    refused = api.post(url, {"code": right}, content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited" and "尝试次数过多" in refused.json()["error"]["message"]
    page = client_for(volunteer.user, language="en").post(
        f"/volunteer/activities/{activity.pk}/check-in/", {"code": right}, follow=True
    )
    assert "Too many attempts. Please try again in 10 minutes." in page.content.decode()
    assert not ServiceRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_get_no_more_than_five_tries(activity, volunteer):
    services.signup_create(actor=volunteer.user, activity=activity, resident=volunteer, now=NOW)
    wrong = wrong_code(activity, AT_START)
    errors = run_together([lambda: check_in(volunteer, activity, wrong)] * 20)
    assert len(errors) == 20
    assert sum(getattr(e, "code", "") == "bad_code" for e in errors) == 5
    assert sum(isinstance(e, Throttled) for e in errors) == 15
