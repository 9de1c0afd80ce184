"""The register import through the API: upload for a preview, start the import, follow it, download the template
and the export. The same services as the page."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Status
from ninja.files import UploadedFile

from linli.accounts import rules
from linli.core.errors import NotAllowed
from linli.core.uploads import upload_read
from linli.places.selectors import community_get

from .. import selectors
from ..models import RegisterImport
from ..register.workbook import template_workbook
from ..schemas import RegisterImportOut
from ..services import register as register_services
from .common import router

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="register-template.xlsx"'
    return response


@router.post("/communities/{code}/register/export")
def register_export(request: HttpRequest, code: str) -> HttpResponse:
    """The register as Excel, in the import's layout; audited. Full ID numbers only for roles that may reveal
    them."""
    community = community_get(code=code, user=request.user)
    response = HttpResponse(
        register_services.register_export(actor=request.user, community=community), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="register-{community.code}.xlsx"'
    return response
