"""Carrying out a requested plan run: the work of the `execute_plan_run` task that `services.plan_run_request`
queues (the demo runs it in place)."""

from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from . import adapter
from .core import PlanningError
from .messages import stored, translate
from .models import PlanRun


def plan_run_execute(*, run_id: int) -> PlanRun:
    """Run the core on the run's saved inputs, recording progress as it goes."""
    run = PlanRun.objects.get(pk=run_id)
    if run.status not in (PlanRun.Status.QUEUED, PlanRun.Status.FAILED):
        return run
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.RUNNING, started_at=timezone.now(), error="")

    language = getattr(run.requested_by, "language", "") or settings.LANGUAGE_CODE

    def progress(done: int, total: int, message: str) -> None:
        with translation.override(language):  # the progress line is read by whoever asked for the run
            text = translate(message)
        PlanRun.objects.filter(pk=run.pk).update(progress_done=done, progress_total=total, progress_message=text[:120])

    try:
        result = adapter.run(
            inputs=run.inputs,
            rules_text=run.rules_text,
            network_file=Path(run.network_path),
            siting_category=run.siting_category,
            siting_k=run.siting_k,
            profile=run.profile,
            progress=progress,
        )
    except (PlanningError, OSError) as exc:
        # the English text in `error`, and the message to show in the reader's language in `result`
        PlanRun.objects.filter(pk=run.pk).update(
            status=PlanRun.Status.FAILED, error=str(exc), result={"error": stored(exc)}, finished_at=timezone.now()
        )
    else:
        PlanRun.objects.filter(pk=run.pk).update(
            status=PlanRun.Status.DONE, result=result.to_dict(), finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run
