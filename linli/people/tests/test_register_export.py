"""The register export: asked for on the page or through the API, written by the task, downloaded by the
community's staff only, audited, deleted after a day."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.conftest import client_for, make_resident
from linli.people.models import RegisterExport
from linli.people.tasks import expire_register_exports

pytestmark = pytest.mark.django_db
PAGE = "/people/{code}/residents/register/export/"
API = "/api/v1/communities/{code}/register/export"


@pytest.fixture
def residents(community):
    return [make_resident(community, name=f"居民{i}", seq=i + 1) for i in range(3)]


def download(response) -> list[str]:
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return [c.value for c in sheet["A"]][1:]


@pytest.mark.parametrize(
    ("language", "ready", "link"), [("zh-hans", "3 位居民", "下载"), ("en", "3 residents", "Download")]
)
def test_the_page_asks_then_shows_the_link(
    users, community, residents, django_capture_on_commit_callbacks, language, ready, link
):
    client = client_for(users["social_worker"], language=language)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(PAGE.format(code=community.code))
    export = RegisterExport.objects.get()
    assert asked.status_code == 302 and asked["Location"].endswith(f"/register/export/{export.pk}/")
    page = client.get(asked["Location"]).content.decode()
    assert 'data-testid="export-done"' in page and ready in page and link in page
    assert sorted(download(client.get(asked["Location"] + "download/"))) == sorted(r.name for r in residents)
    actions = set(AuditEntry.objects.filter(actor=users["social_worker"]).values_list("action", flat=True))
    assert {"register_export.request", "resident.export_register", "register_export.download"} <= actions
    listed = client.get(f"/people/{community.code}/residents/register/").content.decode()
    assert 'data-testid="exports"' in listed


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "正在生成"), ("en", "Writing the file")])
def test_the_page_shows_progress_while_the_task_writes(users, community, language, words):
    client = client_for(users["community_admin"], language=language)
    asked = client.post(PAGE.format(code=community.code))  # on_commit not run: the task has not started
    page = client.get(asked["Location"]).content.decode()
    assert 'data-testid="export-progress"' in page and words in page
    assert client.get(asked["Location"] + "download/").status_code == 409


def test_the_api_answers_202_then_the_file(users, community, residents, django_capture_on_commit_callbacks):
    client = client_for(users["community_admin"], language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        asked = client.post(API.format(code=community.code))
    assert asked.status_code == 202
    body = asked.json()
    assert body["status"] == "queued" and body["download_url"] is None and body["residents"] is None
    assert client.get(f"/api/v1/register/exports/{body['id']}/file").status_code == 409
    for callback in callbacks:
        callback()
    status = client.get(body["status_url"]).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["residents"] == 3
    assert status["full_id_numbers"] is True
    assert len(download(client.get(status["download_url"]))) == 3


def test_only_the_communitys_staff_may_download(
    users, community, other_community, make_user, residents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users["social_worker"]).post(PAGE.format(code=community.code))
    export = RegisterExport.objects.get()
    neighbour = make_user("social_worker", other_community)
    for user, expected in ((users["grid_steward"], 403), (users["resident"], 403), (neighbour, 403)):
        api = client_for(user).get(f"/api/v1/register/exports/{export.pk}/file")
        assert api.status_code == expected, user
    other_page = client_for(neighbour).get(f"/people/{other_community.code}/residents/register/export/{export.pk}/")
    assert other_page.status_code == 404  # another community's export is not found under this one
    refused = client_for(users["grid_steward"], language="en").post(API.format(code=community.code))
    assert refused.status_code == 403 and "may not import" in refused.json()["error"]["message"]
    assert RegisterExport.objects.count() == 1
    assert not AuditEntry.objects.filter(action="register_export.download").exists()


def test_exports_expire_after_a_day(users, community, residents, django_capture_on_commit_callbacks):
    client = client_for(users["social_worker"], language="en")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE.format(code=community.code))
    export = RegisterExport.objects.get()
    assert default_storage.exists(export.stored_as)
    RegisterExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    gone = client.get(f"/api/v1/register/exports/{export.pk}/file")
    assert gone.status_code == 404 and "expired" in gone.json()["error"]["message"]
    expire_register_exports.enqueue()
    assert not RegisterExport.objects.exists() and not default_storage.exists(export.stored_as)


def test_a_role_taken_away_before_the_task_runs_gets_no_file(
    users, community, residents, django_capture_on_commit_callbacks
):
    user = users["social_worker"]
    with django_capture_on_commit_callbacks() as callbacks:
        client_for(user).post(PAGE.format(code=community.code))
    user.roles.all().delete()
    for callback in callbacks:
        callback()
    export = RegisterExport.objects.get()
    assert export.status == "failed" and export.stored_as == ""
    assert not AuditEntry.objects.filter(action="resident.export_register").exists()
