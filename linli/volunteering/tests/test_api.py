import datetime as dt

import pytest
from django.utils import timezone

from linli.conftest import client_for
from linli.volunteering import codes, services
from linli.volunteering.models import Activity, ServiceRecord

pytestmark = pytest.mark.django_db


def test_sign_up_and_check_in_through_the_api_and_bad_codes_answer_clearly(community, organiser, volunteer):
    starts = timezone.now() + dt.timedelta(days=1)
    activity = services.activity_create(
        actor=organiser,
        community=community,
        title="义诊",
        kind="clinic",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        capacity=5,
    )
    api = client_for(volunteer.user)
    assert [a["id"] for a in api.get("/api/v1/volunteering/activities").json()] == [activity.pk]
    assert api.post(f"/api/v1/volunteering/activities/{activity.pk}/signup").status_code == 201
    now = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3)
    )
    activity.refresh_from_db()
    url = f"/api/v1/volunteering/activities/{activity.pk}/check-in"
    malformed = api.post(url, {"code": "12ab"}, content_type="application/json")
    assert malformed.status_code == 422 and malformed.json()["error"]["fields"]["code"]
    wrong = "000000" if codes.current_code(activity, now) != "000000" else "111111"
    refused = api.post(url, {"code": wrong}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_code"
    assert not ServiceRecord.objects.exists()
    done = api.post(url, {"code": codes.current_code(activity, timezone.now())}, content_type="application/json")
    assert done.status_code == 201 and done.json()["minutes"] == activity.minutes
    assert (
        client_for(volunteer.user)
        .post(f"/api/v1/volunteering/records/{done.json()['id']}/confirm", {}, content_type="application/json")
        .status_code
        == 404
    )
    confirmed = client_for(organiser).post(
        f"/api/v1/volunteering/records/{done.json()['id']}/confirm", {}, content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["points"] == 30
    assert api.get("/api/v1/volunteering/my/years").json()[0]["minutes"] == activity.minutes


def test_a_certificate_downloads_and_verifies(community, organiser, volunteer, activity):
    from linli.volunteering.tests.test_services import AT_START, signed_in

    services.record_confirm(
        actor=organiser, record=signed_in(activity, volunteer), now=AT_START + dt.timedelta(hours=2)
    )
    pdf = client_for(volunteer.user).get("/volunteer/my/certificate/2026.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    cert = volunteer.volunteer_certificates.get()
    check = client_for(None).get(f"/volunteer/verify/{cert.serial}/")
    assert check.status_code == 200 and "王**" in check.content.decode()
    assert client_for(None).get("/volunteer/verify/NOPE/").status_code == 404
