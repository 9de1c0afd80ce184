"""The register import page: upload → preview (what each row would do) → import in the background → result; and
the export, written in the background too, then downloaded."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts import rules
from linli.core.buttons import press, submit
from linli.core.errors import NotAllowed
from linli.core.file_responses import XLSX, file_response
from linli.core.uploads import upload_read
from linli.places.selectors import community_get

from .. import selectors
from ..forms import RegisterUploadForm
from ..models import RegisterImport, Resident
from ..register.workbook import template_workbook
from ..services import register as register_services

OUTCOMES = ("refused", "created", "updated", "unchanged")
ROWS_PER_PAGE = 100


@login_required
def register_import(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    jobs = selectors.register_imports_for(user=request.user, community=community)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)

    def preview(data: dict[str, Any]) -> RegisterImport:
        upload = data["file"]
        return register_services.register_import_preview(
            actor=request.user,
            community=community,
            content=upload_read(upload, max_bytes=register_services.MAX_BYTES, field="file"),
            file_name=upload.name or "",
            create_buildings=data["create_buildings"],
        )

    return submit(
        request,
        form,
        preview,
        done=None,
        then=lambda job: reverse("people:register_import_detail", kwargs={"code": community.code, "pk": job.pk}),
    ) or render(
        request,
        "people/register_import.html",
        {
            "community": community,
            "form": form,
            "jobs": jobs[:10],
            "exports": selectors.register_exports_for(user=request.user, community=community)[:5],
            "full_ids": rules.can_reveal_id_number(request.user, community),
        },
    )


@login_required
def register_import_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    job = selectors.register_import_get(user=request.user, community=community, pk=pk)
    if request.method == "POST":
        return press(
            request,
            lambda _data: register_services.register_import_start(actor=request.user, job=job),
            done=_("The import has started."),
            back=reverse("people:register_import_detail", kwargs={"code": community.code, "pk": job.pk}),
        )
    shown = request.GET.get("show", "")
    shown = shown if shown in OUTCOMES else ""
    rows = [r for r in job.rows if r["outcome"] == shown] if shown else job.rows
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [{**r, "change_labels": [_change_label(k) for k in r["changes"]]} for r in page.object_list]
    return render(
        request,
        "people/register_import_detail.html",
        {"community": community, "job": job, "page": page, "shown": shown, "outcomes": OUTCOMES},
    )


def _change_label(key: str) -> str:
    try:
        return str(getattr(Resident._meta.get_field(key), "verbose_name", key))
    except FieldDoesNotExist:
        return key


@login_required
def register_template(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not import the register of this community."))
    return file_response(template_workbook(), filename="register-template.xlsx")


@login_required
@require_POST
def register_export(request: HttpRequest, code: str) -> HttpResponse:
    """A POST: the export is audited (it may carry full ID numbers), so a link preview must not start one."""
    community = community_get(code=code, user=request.user)
    export = register_services.register_export_request(actor=request.user, community=community)
    return redirect("people:register_export_detail", code=community.code, pk=export.pk)


@login_required
def register_export_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The export's progress while the task writes it, then its download link."""
    community = community_get(code=code, user=request.user)
    export = selectors.register_export_get(user=request.user, community=community, pk=pk)
    return render(request, "people/register_export_detail.html", {"community": community, "export": export})


@login_required
def register_export_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    community = community_get(code=code, user=request.user)
    export = selectors.register_export_get(user=request.user, community=community, pk=pk)
    opened = register_services.register_export_open(actor=request.user, export=export)
    return FileResponse(opened, as_attachment=True, filename=export.file_name, content_type=XLSX)
