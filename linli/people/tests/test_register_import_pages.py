"""The register import through the page and the API: who may, preview → import in the background → result,
the template and the export (round trip; the export's own flow is in test_register_export)."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.audit.models import AuditEntry
from linli.conftest import EVERY_ROLE, client_for
from linli.core import crypto
from linli.people.models import RegisterImport, Resident
from linli.people.register import layout
from linli.people.register.workbook import export_row
from linli.places.models import Household

from .register_files import number, person, workbook

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1950, 3, 8)
MAY_IMPORT = {"social_worker", "community_admin"}


def upload(content: bytes, name: str = "采集表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def two_rows() -> bytes:
    return workbook(
        [person("周丽君", BIRTH, 2, building="市北社区1幢"), person("无楼", BIRTH, 3, building="99幢")], titles=1
    )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_who_may_import_through_the_page_and_the_api(role, users, community):
    client = client_for(users[role])
    may = role in MAY_IMPORT
    before = (Resident.objects.count(), RegisterImport.objects.count())
    page = client.get(f"/people/{community.code}/residents/register/")
    assert (page.status_code == 200) is may
    template = client.get(f"/people/{community.code}/residents/register/template.xlsx")
    assert (template.status_code == 200) is may
    api = client.post(f"/api/v1/communities/{community.code}/register/imports", {"file": upload(two_rows())})
    assert (api.status_code == 201) is may, api.content
    export = client.post(f"/api/v1/communities/{community.code}/register/export")
    assert (export.status_code == 202) is may
    for response in (page, template, api, export):
        if not may:
            assert response.status_code in (403, 404)
    assert Resident.objects.count() == before[0]
    assert RegisterImport.objects.count() == before[1] + (1 if may else 0)


def test_the_page_previews_then_imports_in_the_background(users, community, django_capture_on_commit_callbacks):
    client = client_for(users["social_worker"])
    response = client.post(f"/people/{community.code}/residents/register/", {"file": upload(two_rows())})
    job = RegisterImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/register/{job.pk}/")
    assert Resident.objects.count() == 0  # the preview writes nothing to the register
    assert job.status == "previewed" and job.counts == {"created": 1, "updated": 0, "unchanged": 0, "refused": 1}
    stored = job.stored_as
    assert default_storage.exists(stored)
    page = client.get(response["Location"]).content.decode()
    assert "周丽君" in page and "楼栋" in page and "99幢" in page
    assert number(BIRTH, 2) not in page  # masked
    refused_only = client.get(response["Location"] + "?show=refused").content.decode()
    assert "无楼" in refused_only and "周丽君" not in refused_only

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    job.refresh_from_db()
    assert job.status == "done" and job.counts["created"] == 1 and job.percent == 100
    assert list(Resident.objects.values_list("name", flat=True)) == ["周丽君"]
    assert job.stored_as == "" and not default_storage.exists(stored)
    assert AuditEntry.objects.filter(action="resident.import_register", actor=users["social_worker"]).count() == 1
    done = client.get(response["Location"]).content.decode()
    assert 'data-testid="done"' in done

    again = client.post(response["Location"], follow=True)  # a second start is refused, nothing written
    assert again.status_code == 200 and Resident.objects.count() == 1


def test_the_api_previews_starts_and_reports(users, community, django_capture_on_commit_callbacks):
    client = client_for(users["community_admin"])
    created = client.post(f"/api/v1/communities/{community.code}/register/imports", {"file": upload(two_rows())})
    body = created.json()
    assert body["status"] == "previewed" and body["counts"]["refused"] == 1
    refused = next(r for r in body["rows"] if r["outcome"] == "refused")
    assert refused["row"] == 4 and refused["problems"][0]["column"] == "楼栋"
    assert Resident.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/register/imports/{body['id']}/start")
    assert started.status_code == 202
    status = client.get(f"/api/v1/register/imports/{body['id']}").json()
    assert status["status"] == "done" and status["percent"] == 100 and status["rows"] is None
    assert Resident.objects.count() == 1
    assert client.post(f"/api/v1/register/imports/{body['id']}/start").status_code == 409
    other = client_for(users["grid_steward"]).get(f"/api/v1/register/imports/{body['id']}")
    assert other.status_code == 403


def test_an_unreadable_file_is_refused_with_a_message_and_nothing_kept(users, community):
    client = client_for(users["social_worker"])
    response = client.post(
        f"/people/{community.code}/residents/register/", {"file": upload(b"not a workbook", "x.xlsx")}
    )
    assert response.status_code == 200 and "Excel" in response.content.decode()
    api = client.post(f"/api/v1/communities/{community.code}/register/imports", {"file": upload(b"a,b", "x.txt")})
    assert api.status_code == 400 and api.json()["error"]["fields"]
    assert RegisterImport.objects.count() == 0 and Resident.objects.count() == 0


def test_the_template_has_the_header_an_example_and_an_explanation(users, community):
    response = client_for(users["social_worker"]).get(f"/people/{community.code}/residents/register/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    first, notes = book.worksheets
    assert [c.value for c in first[1]] == [c.header for c in layout.COLUMNS]
    assert first.max_row == 2 and first["A2"].value == "周丽君"
    assert notes.max_row == len(layout.COLUMNS) + 1


def test_export_then_import_changes_nothing(users, community, tmp_path, django_capture_on_commit_callbacks):
    client = client_for(users["community_admin"])
    rows = [
        person("周丽君", BIRTH, 2, building="市北社区1幢", 人员类别="独居老人、党员", 备注="=1+1"),
        person("王建国", BIRTH, 3, building="市北社区1幢", unit="2", room="301", 与户主关系="配偶"),
    ]
    from django.core.management import call_command

    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook(rows))
    call_command("import_register", str(path), "--community", community.code)
    Resident.objects.filter(name="周丽君").update(mobile="13800000001")
    Resident.objects.filter(name="王建国").update(residence="registered_elsewhere")
    Resident.objects.filter(name="王建国").update(moved_out_on=dt.date(2026, 1, 5))
    assert Household.objects.filter(unit="2单元301").exists()
    with django_capture_on_commit_callbacks(execute=True):  # the task writes the file
        asked = client.post(f"/people/{community.code}/residents/register/export/")
    assert asked.status_code == 302
    exported = client.get(asked["Location"] + "download/")
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert number(BIRTH, 2) in [c.value for c in sheet["B"]]  # full numbers for a role that may reveal them
    assert AuditEntry.objects.filter(action="resident.export_register").count() == 1
    again = client.post(
        f"/api/v1/communities/{community.code}/register/imports", {"file": upload(content, "export.xlsx")}
    ).json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0}, again["rows"]
    assert client.get(f"/people/{community.code}/residents/register/export/").status_code == 405


def test_an_export_without_the_right_to_reveal_masks_id_numbers(community):
    resident = Resident.objects.create(
        community=community,
        name="周丽君",
        birth_date=BIRTH,
        id_number_encrypted=crypto.encrypt(number(BIRTH, 2)),
        id_number_masked="**************0024",
    )
    row = export_row(resident, reveal=False, birth_date=False)
    assert row[1] == "**************0024" and row[3] is None


def test_the_pages_speak_english_too(users, community):
    client = client_for(users["social_worker"], language="en")
    page = client.get(f"/people/{community.code}/residents/register/").content.decode()
    assert "Import the register" in page and "导入人口台账" not in page
    created = client.post(f"/api/v1/communities/{community.code}/register/imports", {"file": upload(two_rows())})
    refused = next(r for r in created.json()["rows"] if r["outcome"] == "refused")
    assert refused["problems"][0]["reason"] == "There is no building “99幢” in this community."
    detail = client.get(f"/people/{community.code}/residents/register/{created.json()['id']}/").content.decode()
    assert "This is a preview" in detail


def test_an_import_whose_file_is_gone_fails_with_a_message(users, community, django_capture_on_commit_callbacks):
    client = client_for(users["social_worker"])
    body = client.post(f"/api/v1/communities/{community.code}/register/imports", {"file": upload(two_rows())}).json()
    default_storage.delete(RegisterImport.objects.get(pk=body["id"]).stored_as)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/register/imports/{body['id']}/start")
    job = RegisterImport.objects.get(pk=body["id"])
    assert job.status == "failed" and job.error and Resident.objects.count() == 0
    page = client.get(f"/people/{community.code}/residents/register/{job.pk}/").content.decode()
    assert "导入失败" in page
