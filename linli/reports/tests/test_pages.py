"""The pages: submit with a photo, follow, rate; the staff queue, map, figures and API keys; in Chinese,
English and elder mode."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.conftest import client_for
from linli.notifications.models import Notification
from linli.reports.models import ApiClient, Report

from .conftest import CENTRE, jpeg_with_gps


def form_data(category: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "category": category.pk,
        "description": "楼道灯坏了",
        "lat": CENTRE[0],
        "lng": CENTRE[1],
        "attribute[floor]": "2",
    }
    data.update(extra)
    return data


def test_a_resident_submits_with_a_photo_and_follows_it(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    client = client_for(resident_user)
    page = client.get(f"/reports/{community.code}/new/")
    assert page.status_code == 200 and category.name.encode() in page.content
    photo = SimpleUploadedFile("lamp.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(f"/reports/{community.code}/new/", {**form_data(category), "photos": [photo]})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{community.code}/{report.pk}/"
    assert report.reporter == resident_user and report.photos.count() == 1 and report.attributes == {"floor": "2"}
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "已提交".encode() in detail.content
    photo_url = f"/reports/{community.code}/{report.pk}/photos/{report.photos.get().pk}/"
    assert photo_url.encode() in detail.content
    image = client.get(photo_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    mine = client.get("/reports/mine/")
    assert f"#{report.pk}".encode() in mine.content


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"description": "长" * 5000}, "4000"),
        ({"lat": 31.9, "lng": 121.5}, "网格"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"GIF89a-not-really", content_type="image/jpeg")]}, "x.jpg"),
    ],
)
def test_bad_input_on_the_page_shows_a_clear_error_and_saves_nothing(
    community: Any, category: Any, steward: Any, resident_user: Any, extra: dict[str, Any], message: str
) -> None:
    response = client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category, **extra))
    assert response.status_code == 400
    assert message.encode() in response.content
    assert Report.objects.count() == 0


def test_a_guest_reports_with_a_mobile_number(community: Any, category: Any, steward: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    missing = client.post(f"/reports/{community.code}/new/", form_data(category))
    assert missing.status_code == 400 and b"mobile" in missing.content
    ok = client.post(f"/reports/{community.code}/new/", form_data(category, guest_mobile="13912345678"))
    assert ok.status_code == 302 and Report.objects.get().guest_mobile == "13912345678"


def test_the_steward_resolves_from_the_report_page_and_the_resident_rates(
    community: Any, category: Any, steward: Any, resident_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    report = Report.objects.get()
    staff = client_for(steward)
    url = f"/reports/{community.code}/{report.pk}/"
    assert "受理".encode() in staff.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url + "accept/", {"note": "马上处理"})
        staff.post(url + "resolve/", {"note": "已更换灯泡"})
    report.refresh_from_db()
    assert report.status == "resolved"
    assert Notification.objects.filter(user=resident_user).count() == 2
    resident = client_for(resident_user)
    assert "已更换灯泡".encode() in resident.get(url).content
    resident.post(url + "rate/", {"rating": "4", "comment": "谢谢"})
    report.refresh_from_db()
    assert report.status == "closed" and report.rating == 4


def test_a_resident_cannot_act_as_staff(community: Any, category: Any, steward: Any, resident_user: Any) -> None:
    client = client_for(resident_user)
    client.post(f"/reports/{community.code}/new/", form_data(category))
    report = Report.objects.get()
    client.post(f"/reports/{community.code}/{report.pk}/accept/", {})
    report.refresh_from_db()
    assert report.status == "submitted"
    assert client.get(f"/reports/{community.code}/queue/").status_code == 403


def test_nearby_lists_open_reports_of_the_same_category(
    community: Any, category: Any, steward: Any, resident_user: Any
) -> None:
    client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    body = (
        Client()
        .get(
            f"/reports/{community.code}/nearby/", {"category": category.pk, "lat": CENTRE[0] + 0.0005, "lng": CENTRE[1]}
        )
        .json()
    )
    assert len(body["reports"]) == 1 and 40 < body["reports"][0]["distance_m"] < 70
    far = Client().get(
        f"/reports/{community.code}/nearby/", {"category": category.pk, "lat": CENTRE[0] + 0.01, "lng": CENTRE[1]}
    )
    assert far.json()["reports"] == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("elder", [False, True])
def test_every_staff_page_renders_in_both_languages_and_elder_mode(
    community: Any, category: Any, steward: Any, resident_user: Any, users: dict[str, Any], language: str, elder: bool
) -> None:
    client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    admin = users["community_admin"]
    admin.elder_mode = elder
    admin.save(update_fields=["elder_mode"])
    client = client_for(admin, language)
    word = {"zh-hans": "工作队列", "en": "Work queue"}[language]
    for path in (
        "queue/",
        "queue/?status=all&overdue=1&mine=1&level=1",
        "map/",
        "sla/",
        "keys/",
        "new/",
        f"{Report.objects.get().pk}/",
    ):
        response = client.get(f"/reports/{community.code}/{path}")
        assert response.status_code == 200, path
        assert (b'class="elder' in response.content) is elder
        if path.startswith(("queue", "map", "sla", "keys")):
            assert word.encode() in response.content


def test_bulk_assign_from_the_queue(
    community: Any, category: Any, steward: Any, resident_user: Any, users: dict[str, Any]
) -> None:
    for _ in range(2):
        client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    worker = users["social_worker"]
    ids = list(Report.objects.values_list("pk", flat=True))
    response = client_for(worker).post(f"/reports/{community.code}/queue/", {"report": ids, "assignee": worker.pk})
    assert response.status_code == 302
    assert Report.objects.filter(assignee=worker).count() == 2


def test_community_admins_issue_and_revoke_keys(community: Any, users: dict[str, Any]) -> None:
    client = client_for(users["community_admin"])
    response = client.post(f"/reports/{community.code}/keys/", {"name": "12345 热线", "requests_per_hour": 60})
    assert response.status_code == 200 and b"o311_" in response.content
    key = ApiClient.objects.get()
    revoke = f"/reports/{community.code}/keys/{key.pk}/revoke/"
    assert revoke in client.get(f"/reports/{community.code}/keys/").content.decode()
    assert client_for(users["grid_steward"]).post(revoke).status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None
    assert client.post(revoke).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post(f"/reports/{community.code}/keys/x/revoke/").status_code == 404
    assert client_for(users["grid_steward"]).get(f"/reports/{community.code}/keys/").status_code == 403


@pytest.mark.parametrize("original", ["", "abc", "²", "9" * 30, " "])
def test_marking_a_duplicate_asks_for_a_report_number(
    community: Any, category: Any, steward: Any, resident_user: Any, original: str
) -> None:
    """Anything but a report's number (a superscript digit, a number past the database's range) is the same
    message on the page, never a crash, and the report stays as it was."""
    client_for(resident_user).post(f"/reports/{community.code}/new/", form_data(category))
    report = Report.objects.get()
    r = client_for(steward, "en").post(
        f"/reports/{community.code}/{report.pk}/duplicate/", {"original": original}, follow=True
    )
    assert r.status_code == 200 and "Give the number of the original report." in r.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and report.duplicate_of_id is None
