"""Cockpit writes: monthly snapshots (computed by the scheduled job) and values entered by staff with evidence."""

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import DomainError, NotAllowed
from linli.core.uploads import files_removed_on_error
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .framework import Framework, load_framework
from .models import Evidence, IndicatorEntry, Snapshot
from .queries.registry import FIGURES, first_days, run_query

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def entered_values(community: Community, month: dt.date) -> dict[str, float]:
    """The latest entry per indicator up to this month (an entry stands until a newer one replaces it)."""
    values: dict[str, float] = {}
    for code, value in (
        IndicatorEntry.objects.filter(community=community, month__lte=month)
        .order_by("code", "month", "entered_at", "id")
        .values_list("code", "value")
    ):
        values[code] = value
    return values


# Figures that add up what happened in the month (the others are standing counts on its last day).
FLOW_FIGURES = ("services_used", "points", "reports", "volunteering", "company")


def snapshot_refresh(
    *, community: Community, month: dt.date, framework: Framework | None = None, now: dt.datetime | None = None
) -> Snapshot:
    """Compute every indicator and figure of the month and store them (idempotent: the row is replaced)."""
    framework = framework or load_framework()
    month = month_start(month)
    entered = entered_values(community, month)
    values: dict[str, float | None] = {}
    for indicator in framework.indicators:
        if indicator.source == "computed":
            values[indicator.code] = run_query(indicator.query, community, month)
        else:
            values[indicator.code] = entered.get(indicator.code)
    figures = {name: fn(community, month) for name, fn in FIGURES.items()}
    today = timezone.localdate()
    if month == month_start(today):  # the month under way: its flows beside the same days of last month
        last_month = month_start(month - dt.timedelta(days=1))
        with first_days(today.day):
            figures["same_days_last_month"] = {name: FIGURES[name](community, last_month) for name in FLOW_FIGURES}
        figures["days_so_far"] = today.day
    snapshot, _created = Snapshot.objects.update_or_create(
        community=community,
        month=month,
        defaults={"values": values, "figures": figures, "computed_at": now or timezone.now()},
    )
    return snapshot


def snapshots_refresh_all(*, month: dt.date | None = None, communities: Iterable[Community] | None = None) -> int:
    framework = load_framework()
    month = month_start(month or timezone.localdate())
    count = 0
    for community in communities if communities is not None else Community.objects.all():
        snapshot_refresh(community=community, month=month, framework=framework)
        count += 1
    return count


# How far back the scheduled job stores closed months it missed: two years of monthly figures.
MAX_MONTHS_BACK = 24


def first_month_of(community: Community) -> dt.date | None:
    """The community's first month with records: its first stored month, or the month its first resident was put
    on the register if that is earlier (None: nothing recorded yet)."""
    stored = Snapshot.objects.filter(community=community).order_by("month").values_list("month", flat=True)
    registered = Resident.objects.filter(community=community).order_by("created_at").values_list("created_at")
    months = list(stored[:1]) + [month_start(timezone.localtime(at).date()) for (at,) in registered[:1]]
    return min(months, default=None)


def _months_from(first: dt.date, last: dt.date) -> list[dt.date]:
    """The months from `first` to `last`, oldest first, but no more than the last MAX_MONTHS_BACK of them."""
    months = [last]
    while len(months) < MAX_MONTHS_BACK and months[-1] > first:
        months.append(month_start(months[-1] - dt.timedelta(days=1)))
    return months[::-1]


def _ended_at(month: dt.date) -> dt.datetime:
    """The moment a month ended: midnight at the start of the next one."""
    return timezone.make_aware(dt.datetime.combine(month_start(month + dt.timedelta(days=31)), dt.time.min))


def closed_months_refresh(*, communities: Iterable[Community] | None = None) -> int:
    """Store each closed month that has no snapshot, or one computed before the month ended, for every community,
    back to its first month with records (at most MAX_MONTHS_BACK months): the months graded must hold all their
    days, and months the scheduled job missed while it was down are stored too. A month stored after it ended is
    left as it is, so a second run stores nothing. Returns how many snapshots were stored."""
    last = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
    framework = load_framework()
    count = 0
    for community in communities if communities is not None else Community.objects.all():
        first = first_month_of(community)
        if first is None or first > last:
            continue
        months = _months_from(first, last)
        stored = Snapshot.objects.filter(community=community, month__in=months).values_list("month", "computed_at")
        closed = {month for month, computed_at in stored if computed_at >= _ended_at(month)}
        for month in months:
            if month not in closed:
                snapshot_refresh(community=community, month=month, framework=framework)
                count += 1
    return count


def indicator_entry_create(
    *,
    actor: Actor,
    community: Community,
    code: str,
    month: dt.date,
    value: float,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> IndicatorEntry:
    if not rules.can_enter_values(actor, community):
        raise NotAllowed(_("You may not enter indicator values for this community."))
    framework = load_framework()
    try:
        indicator = framework.get(code)
    except KeyError:
        raise DomainError(_("Unknown indicator “%(code)s”.") % {"code": code}, field="code") from None
    if indicator.source != "entered":
        raise DomainError(_("This indicator is computed from the records and cannot be entered."), field="code")
    if month > timezone.localdate():
        raise DomainError(_("A value cannot be entered for a future month."), field="month")
    if value < 0:
        raise DomainError(_("A value cannot be negative."), field="value")
    files = list(files)
    if indicator.evidence_required and not files:
        raise DomainError(_("This indicator needs evidence: attach a file or a photo."), field="evidence")
    for f in files:
        if f.size is not None and f.size > MAX_EVIDENCE_BYTES:
            raise DomainError(_("“%(name)s” is larger than 10 MB.") % {"name": f.name}, field="evidence")
        if f.content_type not in EVIDENCE_TYPES:
            raise DomainError(
                _("“%(name)s” is not a PDF, an image or an Office document.") % {"name": f.name}, field="evidence"
            )
    with files_removed_on_error() as saved, transaction.atomic():
        entry = IndicatorEntry.objects.create(
            community=community,
            code=code,
            month=month_start(month),
            value=value,
            note=note.strip()[:300],
            entered_by=account_of(actor),
        )
        for f in files:
            evidence = Evidence(entry=entry)
            evidence.file.save(f.name or "evidence", f, save=False)
            saved.append(evidence.file)
            evidence.save()
        audit_record(
            actor=actor,
            action="indicator.enter",
            instance=entry,
            after={"code": code, "month": entry.month, "value": value, "evidence": len(files)},
        )
        transaction.on_commit(lambda: entered_value_stored(community=community, code=code, month=entry.month))
    return entry


def entered_value_stored(*, community: Community, code: str, month: dt.date) -> None:
    """After a value is entered: its month is computed again, and every later stored month takes the value too
    where it has no newer entry of its own (an entry stands until a newer one replaces it)."""
    snapshot_refresh(community=community, month=month)
    for later in Snapshot.objects.filter(community=community, month__gt=month).order_by("month"):
        value = entered_values(community, later.month).get(code)
        if later.values.get(code) != value:
            later.values[code] = value
            later.save(update_fields=["values"])
