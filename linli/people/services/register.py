"""The register import's operations for the page and the API: preview an upload (the dry run, keeping the file),
start its import in the background, and export the register in the import's layout. The engine is
`linli.people.importing`."""

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.audit.services import audit_record
from linli.core.errors import Conflict
from linli.places.models import Community

from .. import tasks
from ..importing import check_may_import, register_plan
from ..models import RegisterImport, Resident
from ..register import workbook

# --- the page's and the API's import: preview now, import in the background --------------------------------

MAX_BYTES = 20 * 1024 * 1024


def register_import_preview(
    *, actor: Any, community: Community, content: bytes, file_name: str, create_buildings: bool = False
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
            uploaded_by=actor,
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


def register_import_start(*, actor: Any, job: RegisterImport) -> RegisterImport:
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


# --- template and export -------------------------------------------------------------------------------------


def register_export(*, actor: Any, community: Community) -> bytes:
    """The register in the import's layout. Full ID numbers only for those who may reveal them (then audited and
    the file imports back unchanged); otherwise masked, and birth dates left out for those who may not see them."""
    check_may_import(actor, community)
    reveal = rules.can_reveal_id_number(actor, community)
    births = rules.can_view_birth_date(actor, community)
    residents = (
        Resident.objects.filter(community=community)
        .select_related("household__building__neighbourhood")
        .prefetch_related("tags")
        .order_by("household__building__name", "household__unit", "pk")
    )
    content = workbook.register_workbook([workbook.export_row(r, reveal=reveal, birth_date=births) for r in residents])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="resident.export_register",
            object_type="places.community",
            object_id=str(community.pk),
            community=community,
            after={"residents": residents.count(), "full_id_numbers": reveal},
        )
    return content
