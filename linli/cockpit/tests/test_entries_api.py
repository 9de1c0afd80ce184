"""Entered indicators over the API: multipart with evidence files, validated in the caller's language, audited,
nothing saved half-way; the evidence is downloaded only by those who may see the community's cockpit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.accounts.models import Role
from linli.audit.models import AuditEntry
from linli.cockpit.models import Evidence, IndicatorEntry, Snapshot
from linli.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/communities/shibei/cockpit/entries"


def _photo(name: str = "邻里节.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 90)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_worker_enters_a_value_with_two_photos(
    users, community, other_community, make_user, django_capture_on_commit_callbacks
):
    client = client_for(users["social_worker"])
    month = timezone.localdate().replace(day=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "code": "neighbourhood_events",
                "month": month.isoformat(),
                "value": "5",
                "note": "邻里节",
                "evidence": [_photo(), _photo("合影.jpg")],
            },
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["month"], body["value"]) == ("neighbourhood_events", month.replace(day=1).isoformat(), 5)
    assert sorted(e["name"] for e in body["evidence"]) == ["合影.jpg", "邻里节.jpg"]
    entry = IndicatorEntry.objects.get()
    assert entry.evidence.count() == 2
    audit = AuditEntry.objects.get(action="indicator.enter")
    assert audit.after["evidence"] == 2 and audit.actor == users["social_worker"]
    # the month's snapshot counts it at once
    assert Snapshot.objects.get(community=community, month=month.replace(day=1)).values["neighbourhood_events"] == 5
    listed = client.get(URL).json()
    assert [row["id"] for row in listed] == [entry.pk]

    download = client.get(body["evidence"][0]["url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    stranger = client_for(make_user(Role.COMMUNITY_ADMIN, other_community))
    assert stranger.get(body["evidence"][0]["url"]).status_code == 404
    assert stranger.get(URL).status_code == 404


@pytest.mark.parametrize(
    ("data", "language", "field", "message"),
    [
        ({"code": "neighbourhood_events", "value": "5"}, "zh-hans", "evidence", "佐证材料"),
        ({"code": "neighbourhood_events", "value": "5"}, "en", "evidence", "needs evidence"),
        ({"code": "supply_index", "value": "5", "evidence": "photo"}, "zh-hans", "code", "不能人工填报"),
        ({"code": "no_such", "value": "5", "evidence": "photo"}, "zh-hans", "code", "no_such"),
        ({"code": "neighbourhood_events", "value": "-1", "evidence": "photo"}, "zh-hans", "value", ""),
        ({"code": "neighbourhood_events", "value": "许多", "evidence": "photo"}, "zh-hans", "value", "数"),
    ],
)
def test_bad_input_is_refused_in_the_callers_language(users, community, data, language, field, message):
    data = {"month": timezone.localdate().isoformat(), **data}
    if data.get("evidence") == "photo":
        data["evidence"] = _photo()
    response = client_for(users["community_admin"], language).post(URL, data)
    assert response.status_code in (400, 422), response.content
    error = response.json()["error"]
    assert field in error["fields"], error
    assert message in " ".join(error["fields"][field]) + error["message"]
    assert not IndicatorEntry.objects.exists() and not Evidence.objects.exists()
    assert not AuditEntry.objects.filter(action="indicator.enter").exists()


def test_a_future_month_and_a_text_file_are_refused(users, community):
    client = client_for(users["community_admin"])
    future = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    response = client.post(
        URL, {"code": "neighbourhood_events", "month": future.isoformat(), "value": "5", "evidence": _photo()}
    )
    assert response.status_code == 400 and "将来" in response.json()["error"]["message"]
    text = SimpleUploadedFile("说明.txt", b"hello", content_type="text/plain")
    response = client.post(
        URL, {"code": "neighbourhood_events", "month": timezone.localdate().isoformat(), "value": "5", "evidence": text}
    )
    assert response.status_code == 400 and "说明.txt" in response.json()["error"]["message"]
    assert not IndicatorEntry.objects.exists()


def test_viewers_cannot_enter_and_strangers_cannot_see(users, community, other_community):
    viewer = client_for(users["city_viewer"])
    response = viewer.post(
        URL, {"code": "neighbourhood_events", "month": timezone.localdate().isoformat(), "value": "5"}
    )
    assert response.status_code == 403
    assert client_for(users["outsider"]).get(URL).status_code == 404
    assert not IndicatorEntry.objects.exists()
