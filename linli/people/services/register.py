"""The register import's operations for the page and the API: preview an upload (the dry run, keeping the file),
start its import in the background; and the export, written in the background too (`exporting`). The engine is
`linli.people.importing`."""

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import Conflict, NotAllowed, NotFound
from linli.places.models import Community

from .. import tasks
from ..importing import check_may_import, register_plan
from ..models import RegisterExport, RegisterImport

# --- the page's and the API's import: preview now, import in the background --------------------------------

MAX_BYTES = 20 * 1024 * 1024


def register_import_preview(
    *, actor: Actor, community: Community, content: bytes, file_name: str, create_buildings: bool = False
) -> RegisterImport:
    """Check the file now (the dry run) and keep it for the import. A file that cannot be read is refused whole."""
    check_may_import(actor, community)
    file_name = file_name.rsplit("/", 1)[-1][:200] or "register.xlsx"
    plan = register_plan(
        actor=actor, community=community, content=content, file_name=file_name, create_buildings=create_buildings
    )
    suffix = ".csv" if file_name.lower().endswith(".csv") else ".xlsx"
    with transaction.atomic():
        job = RegisterImport.objects.create(
            community=community,
            uploaded_by=account_of(actor),
            file_name=file_name,
            sha256=plan.sha256,
            create_buildings=create_buildings,
            counts=plan.counts,
            rows=[o.as_json() for o in plan.outcomes],
        )
        job.stored_as = default_storage.save(f"register-imports/{job.pk}{suffix}", ContentFile(content))
        job.save(update_fields=["stored_as"])
        audit_record(
            actor=actor,
            action="register_import.preview",
            instance=job,
            after={**plan.counts, "file_name": file_name, "sha256": plan.sha256},
        )
    return job


def register_import_start(*, actor: Actor, job: RegisterImport) -> RegisterImport:
    """Queue the import of a previewed file; the page follows its progress."""
    check_may_import(actor, job.community)
    with transaction.atomic():
        locked = RegisterImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != RegisterImport.Status.PREVIEWED:
            raise Conflict(_("This file has already been imported or is being imported."))
        locked.status = RegisterImport.Status.QUEUED
        locked.save(update_fields=["status"])
        audit_record(actor=actor, action="register_import.start", instance=locked, after={"status": locked.status})
        transaction.on_commit(lambda: tasks.run_register_import.enqueue(locked.pk))
    return locked


# --- the export: asked for now, written in the background, downloaded, expired -----------------------------


def register_export_request(*, actor: Actor, community: Community) -> RegisterExport:
    """Queue the export of the register in the import's layout. Full ID numbers only for those who may reveal them
    (then the file imports back unchanged); otherwise masked, and birth dates left out for those who may not see
    them. The task writes the file; the page and the API follow it."""
    check_may_import(actor, community)
    with transaction.atomic():
        export = RegisterExport.objects.create(
            community=community,
            requested_by=account_of(actor),
            full_id_numbers=rules.can_reveal_id_number(actor, community),
            birth_dates=rules.can_view_birth_date(actor, community),
        )
        audit_record(
            actor=actor,
            action="register_export.request",
            instance=export,
            community=community,
            after={"full_id_numbers": export.full_id_numbers},
        )
        transaction.on_commit(lambda: tasks.run_register_export.enqueue(export.pk))
    return export


def register_export_open(*, actor: Actor, export: RegisterExport) -> File:
    """The written workbook, opened for download; audited (who took a file that may hold full ID numbers, when).
    Refused to those who may no longer import, or no longer reveal ID numbers when the file carries them."""
    check_may_import(actor, export.community)
    if export.full_id_numbers and not rules.can_reveal_id_number(actor, export.community):
        raise NotAllowed(_("This export carries full ID numbers, which you may not see."))
    if export.status != RegisterExport.Status.DONE or not export.stored_as:
        raise Conflict(_("This export is not ready yet."))
    if export.expires_at <= timezone.now():
        raise NotFound(_("This export has expired: ask for a new one."))
    try:
        opened = default_storage.open(export.stored_as, "rb")
    except OSError as exc:
        raise NotFound(_("This export has expired: ask for a new one.")) from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="register_export.download",
            instance=export,
            community=export.community,
            after={"residents": export.residents, "full_id_numbers": export.full_id_numbers},
        )
    return opened
