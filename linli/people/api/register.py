"""The register import through the API: upload for a preview, start the import, follow it, download the template
and the export. The same services as the page."""

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Status
from ninja.files import UploadedFile

from linli.accounts import rules
from linli.core.errors import NotAllowed
from linli.core.file_responses import XLSX, file_response
from linli.core.uploads import upload_read
from linli.places.selectors import community_get

from .. import selectors
from ..models import RegisterExport, RegisterImport
from ..register.workbook import template_workbook
from ..schemas import RegisterExportOut, RegisterImportOut
from ..services import register as register_services
from .common import router


def register_import_out(job: RegisterImport, *, rows: bool = True) -> dict[str, Any]:
    return {
        "id": job.pk,
        "file_name": job.file_name,
        "status": job.status,
        "counts": job.counts,
        "percent": job.percent,
        "error": job.error,
        "rows": job.rows if rows else None,
    }


@router.post("/communities/{code}/register/imports", response={201: RegisterImportOut})
def register_import_create(
    request: HttpRequest, code: str, file: File[UploadedFile], create_buildings: bool = False
) -> Status[Any]:
    """Check the file (a dry run: nothing is written to the register) and keep it for the import. Each row says
    what it would do; a refused row says which column and why. `?create_buildings=true` creates buildings (and
    小区) the file names that the community does not have yet."""
    community = community_get(code=code, user=request.user)
    content = upload_read(file, max_bytes=register_services.MAX_BYTES, field="file")
    job = register_services.register_import_preview(
        actor=request.user,
        community=community,
        content=content,
        file_name=file.name or "",
        create_buildings=create_buildings,
    )
    return Status(201, register_import_out(job))


@router.post("/register/imports/{import_id}/start", response={202: RegisterImportOut})
def register_import_start(request: HttpRequest, import_id: int) -> Status[Any]:
    job = selectors.register_import_get(user=request.user, pk=import_id)
    job = register_services.register_import_start(actor=request.user, job=job)
    return Status(202, register_import_out(job, rows=False))


@router.get("/register/imports/{import_id}", response=RegisterImportOut)
def register_import_detail(request: HttpRequest, import_id: int, rows: bool = False) -> dict[str, Any]:
    """The import's status and progress; `rows=true` adds every row's outcome."""
    job = selectors.register_import_get(user=request.user, pk=import_id)
    return register_import_out(job, rows=rows)


@router.get("/communities/{code}/register/template")
def register_template(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not import the register of this community."))
    return file_response(template_workbook(), filename="register-template.xlsx")


def register_export_out(export: RegisterExport) -> dict[str, Any]:
    done = export.status == RegisterExport.Status.DONE
    return {
        "id": export.pk,
        "status": export.status,
        "percent": export.percent,
        "residents": export.residents if done else None,
        "full_id_numbers": export.full_id_numbers,
        "error": export.error,
        "expires_at": export.expires_at,
        "status_url": reverse("api:register_export_detail", kwargs={"export_id": export.pk}),
        "download_url": reverse("api:register_export_file", kwargs={"export_id": export.pk}) if done else None,
    }


@router.post("/communities/{code}/register/export", response={202: RegisterExportOut})
def register_export(request: HttpRequest, code: str) -> Status[Any]:
    """Ask for the register as Excel, in the import's layout; audited. The file is written in the background:
    follow `status_url` until `status` is `done`, then fetch `download_url` (within a day: then it is deleted).
    Full ID numbers only for roles that may reveal them."""
    community = community_get(code=code, user=request.user)
    export = register_services.register_export_request(actor=request.user, community=community)
    return Status(202, register_export_out(export))


@router.get("/register/exports/{export_id}", response=RegisterExportOut, url_name="register_export_detail")
def register_export_detail(request: HttpRequest, export_id: int) -> dict[str, Any]:
    """The export's status and progress; `download_url` once it is written."""
    return register_export_out(selectors.register_export_get(user=request.user, pk=export_id))


@router.get("/register/exports/{export_id}/file", url_name="register_export_file")
def register_export_file(request: HttpRequest, export_id: int) -> FileResponse:
    """The written workbook (409 while it is being written, 404 once expired); each download is audited."""
    export = selectors.register_export_get(user=request.user, pk=export_id)
    opened = register_services.register_export_open(actor=request.user, export=export)
    return FileResponse(opened, as_attachment=True, filename=export.file_name, content_type=XLSX)
