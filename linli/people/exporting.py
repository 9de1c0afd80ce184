"""The register export's background job, beside the import's (`importing`), so that `tasks` needs nothing from
`services`: write a community's register as a workbook to the media storage, then let it expire.

The rights (full ID numbers, birth dates) are decided when the export is asked for and checked again when it is
written and when it is downloaded: a role taken away in between gets nothing."""

import datetime as dt
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.audit.services import audit_record

from .models import RegisterExport, Resident
from .register import workbook

PROGRESS_EVERY = 500


def register_rows(*, community: Any, reveal: bool, birth_dates: bool, progress: Any = None) -> list[list[Any]]:
    """The community's register in the import's layout, building by building, household by household."""
    residents = (
        Resident.objects.filter(community=community)
        .select_related("household__building__neighbourhood")
        .prefetch_related("tags")
        .order_by("household__building__name", "household__unit", "pk")
    )
    total = residents.count()
    rows = []
    for i, resident in enumerate(residents.iterator(chunk_size=2000), start=1):
        rows.append(workbook.export_row(resident, reveal=reveal, birth_date=birth_dates))
        if progress is not None and (i % PROGRESS_EVERY == 0 or i == total):
            progress(i, total)
    return rows


def register_export_execute(*, export_id: int) -> RegisterExport:
    """The background job: write the workbook, keep it under an unguessable name, and record it."""
    export = RegisterExport.objects.select_related("community", "requested_by").get(pk=export_id)
    if export.status != RegisterExport.Status.QUEUED:
        return export
    RegisterExport.objects.filter(pk=export.pk).update(status=RegisterExport.Status.RUNNING)
    actor, community = export.requested_by, export.community
    try:
        if actor is None or not rules.can_edit_residents(actor, community):
            raise PermissionError(_("You may not import the register of this community."))
        reveal = export.full_id_numbers and rules.can_reveal_id_number(actor, community)
        births = export.birth_dates and rules.can_view_birth_date(actor, community)

        def progress(done: int, total: int) -> None:
            RegisterExport.objects.filter(pk=export.pk).update(progress_done=done, progress_total=total)

        rows = register_rows(community=community, reveal=reveal, birth_dates=births, progress=progress)
        content = workbook.register_workbook(rows)
        name = f"register-exports/{community.pk}/{export.pk}-{secrets.token_urlsafe(16)}.xlsx"
        stored_as = default_storage.save(name, ContentFile(content))
    except Exception as exc:
        RegisterExport.objects.filter(pk=export.pk).update(
            status=RegisterExport.Status.FAILED,
            error=str(exc) if isinstance(exc, PermissionError) else _("The export stopped on an unexpected error."),
            finished_at=timezone.now(),
        )
        if not isinstance(exc, PermissionError):
            raise  # the task worker logs it
    else:
        with transaction.atomic():
            RegisterExport.objects.filter(pk=export.pk).update(
                status=RegisterExport.Status.DONE,
                stored_as=stored_as,
                residents=len(rows),
                full_id_numbers=reveal,
                birth_dates=births,
                finished_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                action="resident.export_register",
                object_type="places.community",
                object_id=str(community.pk),
                community=community,
                after={"residents": len(rows), "full_id_numbers": reveal, "export": export.pk},
            )
    export.refresh_from_db()
    return export


def register_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the exports (and their files, which may hold full ID numbers) older than `EXPIRES_AFTER`. How many."""
    cutoff = (now or timezone.now()) - RegisterExport.EXPIRES_AFTER
    expired = list(RegisterExport.objects.filter(created_at__lt=cutoff).values_list("pk", "stored_as"))
    for _pk, stored_as in expired:
        if stored_as:
            default_storage.delete(stored_as)
    RegisterExport.objects.filter(pk__in=[pk for pk, _stored in expired]).delete()
    return len(expired)
