"""Carrying out a requested run: the work of the `execute_plan_run` and `execute_city_run` tasks that
`services.plan_run_request` and `services.city_run_request` queue (the demo runs them in place)."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import adapter
from .core import InputError, PlanningError, Rules, community_row, siting_dict
from .core.errors import Message
from .messages import stored, translate
from .models import CityRun, CityRunCommunity, HubPlacement, HubStatus, PlanRun


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


def city_run_execute(*, run_id: int) -> CityRun:
    """Check the run's communities one at a time, each kept as soon as it is done.

    A community is claimed (waiting → running) before it is computed, so that it is computed once; a run whose
    worker stopped is resumed by `services.city_run_resume`, which puts what was not done back to waiting. Then the
    new hubs asked for (`services.city_run_place_hubs`) are placed across the communities graded.
    """
    run = CityRun.objects.get(pk=run_id)
    if run.status != CityRun.Status.DONE:
        _check_communities(run)
    _place_hubs(run_id)
    run.refresh_from_db()
    return run


def _check_communities(run: CityRun) -> None:
    CityRun.objects.filter(pk=run.pk).update(
        status=CityRun.Status.RUNNING, started_at=run.started_at or timezone.now(), error=""
    )
    language = _language(run)
    rows = CityRunCommunity.objects.filter(run=run)
    try:
        standards = adapter.parse_rules_text(run.rules_text)
    except PlanningError as exc:
        CityRun.objects.filter(pk=run.pk).update(
            status=CityRun.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    total = rows.count()
    day = timezone.localdate()
    for entry in rows.filter(status=CityRunCommunity.Status.PENDING).select_related("community").order_by("pk"):
        claimed = CityRunCommunity.objects.filter(pk=entry.pk, status=CityRunCommunity.Status.PENDING).update(
            status=CityRunCommunity.Status.RUNNING
        )
        if not claimed:  # another worker took it
            continue
        finished = rows.filter(status__in=[CityRunCommunity.Status.DONE, CityRunCommunity.Status.FAILED]).count()
        with translation.override(language):
            text = _("%(name)s (%(n)s of %(total)s)") % {
                "name": entry.community.name,
                "n": finished + 1,
                "total": total,
            }
        CityRun.objects.filter(pk=run.pk).update(progress_message=text[:120])
        _check_one_community(run, entry, standards, day)
    # done when no community is left; one another worker is still computing is that worker's to finish
    if not rows.filter(status__in=[CityRunCommunity.Status.PENDING, CityRunCommunity.Status.RUNNING]).exists():
        CityRun.objects.filter(pk=run.pk).update(
            status=CityRun.Status.DONE, finished_at=timezone.now(), progress_message=""
        )


def _language(run: CityRun) -> str:
    return getattr(run.requested_by, "language", "") or settings.LANGUAGE_CODE


def _place_hubs(run_id: int) -> None:
    """Place the hubs asked for, across the communities graded, once every community is graded (or failed).

    Claimed (waiting → running) first, so that one worker computes it; its one result replaces nothing: a placement
    whose worker stopped is put back to waiting by `services.city_run_resume` and computed again. The outcome is
    written on the run and on its kept `HubPlacement` (the one under way: one at a time)."""
    run = CityRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status != CityRun.Status.DONE or run.hub_status != HubStatus.PENDING:
        return
    claimed = CityRun.objects.filter(pk=run.pk, hub_status=HubStatus.PENDING).update(hub_status=HubStatus.RUNNING)
    if not claimed:
        return
    placement = HubPlacement.objects.filter(run=run, status__in=[HubStatus.PENDING, HubStatus.RUNNING])
    placement.update(status=HubStatus.RUNNING)
    with translation.override(_language(run)):
        text = _("Placing %(n)s new hubs across the city") % {"n": run.hub_count}
    CityRun.objects.filter(pk=run.pk).update(progress_message=text[:120])
    entries = run.communities.filter(status=CityRunCommunity.Status.DONE).select_related("community__street")
    communities = [e.community for e in entries.order_by("community__street__code", "community__code")]
    try:
        if not communities:
            raise InputError(Message("no community of the run has been graded"))
        standards = adapter.parse_rules_text(run.rules_text)
        inputs = adapter.collect_inputs(communities=communities, rules=standards, day=timezone.localdate())
        if not inputs["buildings"]["features"]:
            raise InputError(Message("there are no residential buildings to analyse"))
        sited = adapter.site(
            inputs=inputs,
            rules_text=run.rules_text,
            network_file=Path(run.network_path),
            category=run.hub_category,
            k=run.hub_count,
            profile=run.profile,
        )
    except (PlanningError, OSError) as exc:
        now = timezone.now()
        if CityRun.objects.filter(pk=run.pk, hub_status=HubStatus.RUNNING).update(
            hub_status=HubStatus.FAILED, hub_error=stored(exc), hub_computed_at=now, progress_message=""
        ):
            placement.update(status=HubStatus.FAILED, error=stored(exc), computed_at=now)
        return
    candidates = {f["properties"]["id"]: f for f in inputs["candidates"]["features"]}
    sites = {
        site: {
            "name": candidates[site]["properties"]["name"],
            "community": candidates[site]["properties"]["community"],
            "lng": candidates[site]["geometry"]["coordinates"][0],
            "lat": candidates[site]["geometry"]["coordinates"][1],
        }
        for site in sited.selected
    }
    result = {
        "siting": siting_dict(sited),
        "sites": sites,
        "inputs": {
            "communities": len(communities),
            "buildings": len(inputs["buildings"]["features"]),
            "facilities": len(inputs["facilities"]["features"]),
            "candidates": len(candidates),
            "day": inputs["day"],
        },
    }
    now = timezone.now()
    if CityRun.objects.filter(pk=run.pk, hub_status=HubStatus.RUNNING).update(
        hub_status=HubStatus.DONE, hub_result=result, hub_error=None, hub_computed_at=now, progress_message=""
    ):
        placement.update(status=HubStatus.DONE, result=result, error=None, computed_at=now)


def _check_one_community(run: CityRun, entry: CityRunCommunity, standards: Rules, day: dt.date) -> None:
    community = entry.community
    inputs = adapter.collect_inputs(communities=[community], rules=standards, day=day)
    residents = sum(
        value
        for f in inputs["buildings"]["features"]
        for band in standards.age_bands
        if isinstance(value := f["properties"].get(band.property), int)
    )
    summary = {
        "buildings": len(inputs["buildings"]["features"]),
        "facilities": len(inputs["facilities"]["features"]),
        "residents": residents,
        "day": inputs["day"],
    }
    if not inputs["buildings"]["features"]:
        problem = Message("there are no residential buildings to analyse")
        CityRunCommunity.objects.filter(pk=entry.pk).update(
            status=CityRunCommunity.Status.FAILED, error=stored(problem), inputs_summary=summary,
            computed_at=timezone.now(),
        )  # fmt: skip
        return
    try:
        result = adapter.run(
            inputs=inputs, rules_text=run.rules_text, network_file=Path(run.network_path), profile=run.profile
        ).to_dict()
        row = community_row(result, community.code)
    except (PlanningError, OSError) as exc:
        CityRunCommunity.objects.filter(pk=entry.pk).update(
            status=CityRunCommunity.Status.FAILED, error=stored(exc), inputs_summary=summary,
            computed_at=timezone.now(),
        )  # fmt: skip
        return
    row["warnings"] = result.get("warning_details", [])
    CityRunCommunity.objects.filter(pk=entry.pk).update(
        status=CityRunCommunity.Status.DONE, row=row, error=None, inputs_summary=summary, computed_at=timezone.now()
    )
