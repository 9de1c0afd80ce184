"""Writing reports: submit, route, move through the states, escalate, reopen, rate; and Open311 API keys.

Every write runs in one transaction with its audit row; notifications go out after the commit."""

import datetime as dt
import hashlib
import logging
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.rules import CASEWORK_ROLES
from linli.audit.services import audit_record, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed
from linli.core.uploads import files_removed_on_error
from linli.notifications.services import notify, notify_sms
from linli.places.geometry import polygon_contains
from linli.places.models import Building, Community, Grid

from . import rules
from .models import (
    DESCRIPTION_MAX,
    ApiClient,
    Category,
    CategoryAttribute,
    Level,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportSupport,
)
from .photos import MAX_PHOTOS, CleanPhoto

S = Report.Status


# --- where a report is, and who gets it ------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    lat: float | None
    lng: float | None
    building: Building | None
    address: str
    grid: Grid | None


logger = logging.getLogger(__name__)


def grid_at(*, community: Community, lng: float, lat: float) -> Grid | None:
    for grid in Grid.objects.filter(community=community).exclude(boundary=None).order_by("code"):
        if polygon_contains(grid.boundary, lng, lat):
            return grid
    return None


def report_locate(
    *,
    community: Community,
    lat: float | None = None,
    lng: float | None = None,
    building: Building | None = None,
    address: str = "",
) -> Location:
    """Where the report is and which grid it falls in. A point outside every grid is refused."""
    address = (address or "").strip()
    if len(address) > 200:
        raise DomainError(_("The address may be at most 200 characters."), code="invalid_address", field="address")
    if (lat is None) != (lng is None):
        raise DomainError(_("Give both latitude and longitude."), code="invalid_location", field="lat")
    if lat is not None and lng is not None:
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError(_("The latitude or longitude is out of range."), code="invalid_location", field="lat")
        grid = grid_at(community=community, lng=lng, lat=lat)
        if grid is None:
            raise DomainError(
                _("This point is outside every grid of %(community)s: choose a place inside the community.")
                % {"community": community.name},
                code="outside_grids",
                field="lat",
            )
        return Location(lat=lat, lng=lng, building=building, address=address, grid=grid)
    if building is not None:
        if building.community_id != community.pk:
            raise DomainError(_("This building is not in the community."), code="invalid_building", field="building")
        return Location(lat=building.lat, lng=building.lng, building=building, address=address, grid=building.grid)
    if address:
        # An address that names a building of the community is routed to that building's grid.
        named = sorted(
            (b for b in Building.objects.filter(community=community).select_related("grid") if b.name in address),
            key=lambda b: -len(b.name),
        )
        if named:
            b = named[0]
            return Location(lat=b.lat, lng=b.lng, building=b, address=address, grid=b.grid)
        return Location(lat=None, lng=None, building=None, address=address, grid=None)
    raise DomainError(
        _("Say where it is: a point on the map, a building, or an address."), code="no_location", field="location"
    )


def _community_caseworkers(community: Community) -> list[User]:
    ids = RoleAssignment.objects.filter(community=community, role__in=CASEWORK_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _street_admins(community: Community) -> list[User]:
    ids = RoleAssignment.objects.filter(street_id=community.street_id, role=Role.STREET_ADMIN).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def level_recipients(report: Report, level: int) -> list[User]:
    if level == Level.STEWARD:
        steward = report.grid.steward if report.grid_id and report.grid else None
        return [steward] if steward is not None and steward.is_active else []
    if level == Level.COMMUNITY:
        return _community_caseworkers(report.community)
    return _street_admins(report.community)


# --- extra fields (Open311 attributes) -------------------------------------------------------------------


def attributes_clean(category: Category, raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The category's extra fields, checked against their types. `raw` maps a code to the values given."""
    cleaned: dict[str, Any] = {}
    for attr in category.attributes.filter(variable=True).order_by("order"):
        values = [str(v).strip() for v in raw.get(attr.code, []) if str(v).strip()]
        field = f"attribute[{attr.code}]"
        if not values:
            if attr.required:
                raise DomainError(
                    _("“%(question)s” is required.") % {"question": attr.description},
                    code="missing_attribute",
                    field=field,
                )
            continue
        if attr.datatype == CategoryAttribute.Datatype.MULTI:
            unknown = [v for v in values if v not in attr.value_keys()]
            if unknown:
                raise DomainError(_("Choose from the listed values."), code="invalid_attribute", field=field)
            cleaned[attr.code] = list(dict.fromkeys(values))
            continue
        value = values[0]
        if attr.datatype == CategoryAttribute.Datatype.SINGLE:
            if value not in attr.value_keys():
                raise DomainError(_("Choose from the listed values."), code="invalid_attribute", field=field)
            cleaned[attr.code] = value
        elif attr.datatype == CategoryAttribute.Datatype.NUMBER:
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or abs(number) > Decimal(10) ** 12:
                raise DomainError(_("Enter a number."), code="invalid_attribute", field=field)
            cleaned[attr.code] = int(number) if number == number.to_integral_value() else float(number)
        elif attr.datatype == CategoryAttribute.Datatype.DATETIME:
            try:
                parsed: Any = parse_datetime(value) or parse_date(value)
            except ValueError:
                parsed = None
            if parsed is None:
                raise DomainError(_("Enter a date and time in ISO 8601 form."), code="invalid_attribute", field=field)
            cleaned[attr.code] = parsed.isoformat()
        else:
            limit = 200 if attr.datatype == CategoryAttribute.Datatype.STRING else 2000
            if len(value) > limit or (attr.datatype == CategoryAttribute.Datatype.STRING and "\n" in value):
                raise DomainError(
                    _("Enter at most %(n)s characters on one line.") % {"n": limit}
                    if attr.datatype == CategoryAttribute.Datatype.STRING
                    else _("Enter at most %(n)s characters.") % {"n": limit},
                    code="invalid_attribute",
                    field=field,
                )
            cleaned[attr.code] = value
    return cleaned


# --- telling people --------------------------------------------------------------------------------------


def report_url(report: Report) -> str:
    return reverse("reports:detail", kwargs={"code": report.community.code, "pk": report.pk})


def _tell(user: User, report: Report, title: str, body: str, *, sms: bool = False) -> None:
    notify(user=user, title=title, body=body, url=report_url(report), community=report.community, sms=sms)


def _status_label(status: str) -> str:
    return str(S(status).label)


def _tell_followers(report: Report, *, note: str, actor: Any) -> None:
    """The reporter and every supporter hear of each public state change, in their own language."""
    followers = list(User.objects.filter(pk__in=report.supports.values("user_id")).order_by("pk"))
    if report.reporter_id and report.reporter is not None:
        followers.insert(0, report.reporter)
    for user in followers:
        if actor is not None and user.pk == getattr(actor, "pk", None):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("Report #%(id)s: %(status)s") % {"id": report.pk, "status": _status_label(report.status)}
            _tell(user, report, title, note, sms=user.pk == report.reporter_id)
    if report.guest_mobile:
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Report #%(id)s: %(status)s") % {"id": report.pk, "status": _status_label(report.status)}
            notify_sms(mobile=report.guest_mobile, text=f"{text} {note}".strip())


def _tell_level(report: Report, level: int, title_text: str) -> None:
    for user in level_recipients(report, level):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("Report #%(id)s needs you: %(what)s") % {"id": report.pk, "what": report.category.name}
            _tell(user, report, title, title_text, sms=True)


# --- submitting ------------------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(12)


def report_submit(
    *,
    actor: Any,
    community: Community,
    category: Category,
    description: str,
    lat: float | None = None,
    lng: float | None = None,
    building: Building | None = None,
    address: str = "",
    attributes: Mapping[str, Sequence[str]] | None = None,
    photos: Iterable[CleanPhoto] = (),
    guest_mobile: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    source: str = Report.Source.WEB,
    api_client: ApiClient | None = None,
    media_url: str = "",
    now: dt.datetime | None = None,
) -> Report:
    """A new report, routed to the steward of the grid it falls in. Checks everything before saving anything."""
    now = now or timezone.now()
    if category.community_id != community.pk or not category.active:
        raise DomainError(_("Choose a category of this community."), code="invalid_category", field="category")
    description = (description or "").strip()
    if not description and source != Report.Source.OPEN311:  # optional in GeoReport v2
        raise DomainError(_("Describe what you saw."), code="missing_description", field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            _("The description may be at most %(n)s characters (it has %(m)s).")
            % {"n": DESCRIPTION_MAX, "m": len(description)},
            code="description_too_long",
            field="description",
        )
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}, code="too_many_photos", field="photos")
    reporter = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    guest_mobile = (guest_mobile or "").strip()
    if reporter is None and source == Report.Source.WEB:
        from linli.accounts.validators import mobile_validator

        if not guest_mobile:
            raise DomainError(
                _("Give your mobile number so that we can tell you what was done."),
                code="missing_mobile",
                field="guest_mobile",
            )
        try:
            mobile_validator(guest_mobile)
        except Exception as exc:
            raise DomainError(
                _("Enter an 11-digit mainland mobile number."), code="invalid_mobile", field="guest_mobile"
            ) from exc
    where = report_locate(community=community, lat=lat, lng=lng, building=building, address=address)
    cleaned = attributes_clean(category, attributes or {})

    with files_removed_on_error() as saved, transaction.atomic():
        if api_client is not None:
            api_client_hold(api_client, now=now)
        level = Level.STEWARD if where.grid is not None and where.grid.steward_id else Level.COMMUNITY
        report = Report.objects.create(
            community=community,
            category=category,
            status=S.SUBMITTED,
            description=description,
            attributes=cleaned,
            lat=where.lat,
            lng=where.lng,
            building=where.building,
            address=where.address,
            grid=where.grid,
            reporter=reporter,
            guest_mobile=guest_mobile if reporter is None else "",
            reporter_name=reporter_name[:60],
            reporter_email=reporter_email[:254],
            source=source,
            api_client=api_client,
            token=_new_token(),
            media_url=media_url[:500],
            assignee=where.grid.steward if where.grid is not None else None,
            level=level,
            due_at=now + dt.timedelta(hours=category.accept_within_hours),
            expected_at=now + dt.timedelta(hours=category.total_hours),
            created_at=now,
            updated_at=now,
        )
        for index, photo in enumerate(photos):
            p = ReportPhoto(report=report, community=community, width=photo.width, height=photo.height, size=photo.size)
            p.image.save(f"{secrets.token_hex(8)}-{index + 1}.jpg", ContentFile(photo.content), save=False)
            saved.append(p.image)
            p.save()
        ReportEvent.objects.create(
            report=report,
            community=community,
            kind=ReportEvent.Kind.SUBMITTED,
            to_status=S.SUBMITTED,
            actor=reporter,
            level=level,
            note="",
            created_at=now,
        )
        audit_record(actor=reporter, action="report.submit", instance=report, after=snapshot(report), via=source)
        _tell_level(report, level, description[:120])
    return report


# --- moving through the states ---------------------------------------------------------------------------

ALLOWED: dict[str, tuple[str, ...]] = {
    S.ACCEPTED: (S.SUBMITTED,),
    S.IN_PROGRESS: (S.ACCEPTED,),
    S.RESOLVED: (S.ACCEPTED, S.IN_PROGRESS),
    S.REJECTED: (S.SUBMITTED, S.ACCEPTED),
    S.DUPLICATE: (S.SUBMITTED, S.ACCEPTED),
    S.CLOSED: (S.RESOLVED,),
}
KIND_OF: dict[str, str] = {
    S.ACCEPTED: ReportEvent.Kind.ACCEPTED,
    S.IN_PROGRESS: ReportEvent.Kind.STARTED,
    S.RESOLVED: ReportEvent.Kind.RESOLVED,
    S.REJECTED: ReportEvent.Kind.REJECTED,
    S.DUPLICATE: ReportEvent.Kind.DUPLICATE,
    S.CLOSED: ReportEvent.Kind.CLOSED,
}


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("community", "category", "grid", "reporter")
        .get(pk=report.pk)
    )


def _event(
    report: Report,
    kind: str,
    *,
    actor: Any,
    now: dt.datetime,
    note: str = "",
    public: bool = True,
    from_status: str = "",
    to_status: str = "",
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        community_id=report.community_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        level=report.level,
        note=note,
        public=public,
        created_at=now,
    )


def _move(report: Report, to: str, *, actor: Any, note: str, now: dt.datetime, check: bool = True) -> Report:
    """One state change: lock, check, change, record the event and the audit row, tell the followers."""
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError(_("The note may be at most 2,000 characters."), code="note_too_long", field="note")
    with transaction.atomic():
        report = _locked(report)
        if check and not rules.can_handle_report(actor, report):
            raise NotAllowed(_("You may not handle this report."))
        if report.status not in ALLOWED[to]:
            raise Conflict(
                _("A report that is “%(status)s” cannot become “%(to)s”.")
                % {"status": report.get_status_display(), "to": _status_label(to)},
                code="invalid_transition",
            )
        before = snapshot(report)
        previous = report.status
        report.status = to
        report.updated_at = now
        changed = ["status", "updated_at", "due_at", "status_notes"]
        limit = report.category.limit_for(to)
        if limit is not None:
            report.due_at = now + limit
        else:
            report.due_at = None
        if to == S.ACCEPTED:
            report.accepted_at = now
            responsible = report.category.responsible
            if responsible is not None and not rules.can_be_assigned_report(responsible, report.community):
                responsible = None  # named before the rule, or since lost the role: the one accepting keeps it
            report.assignee = responsible or (actor if getattr(actor, "is_authenticated", False) else None)
            report.expected_at = now + dt.timedelta(
                hours=report.category.start_within_hours + report.category.resolve_within_hours
            )
            changed += ["accepted_at", "assignee", "expected_at"]
        if to == S.RESOLVED:
            report.resolved_at = now
            changed.append("resolved_at")
        if to in Report.FINISHED_STATUSES:
            report.finished_at = now
            changed.append("finished_at")
        if note:
            report.status_notes = note[:500]
        report.save(update_fields=changed)
        _event(report, KIND_OF[to], actor=actor, now=now, note=note, from_status=previous, to_status=to)
        audit_record(actor=actor, action=f"report.{to}", instance=report, before=before, after=snapshot(report))
        _tell_followers(report, note=note, actor=actor)
        if to == S.ACCEPTED:
            report_confirmed_award_points(report=report, actor=actor)
            if report.assignee is not None and report.assignee.pk != getattr(actor, "pk", None):
                with translation.override(report.assignee.language or settings.LANGUAGE_CODE):
                    _tell(
                        report.assignee, report, _("Report #%(id)s is yours to fix") % {"id": report.pk}, note, sms=True
                    )
    return report


def report_confirmed_award_points(*, report: Report, actor: Any) -> None:
    """A confirmed report earns its reporter points through the community's earning rule, once.

    Called inside the accepting transaction. Guests (no resident profile in this community) earn nothing;
    a rule the community switched off earns nothing either, and is logged."""
    from linli.ledger.services import points_earn
    from linli.people.models import Resident

    resident = (
        Resident.objects.filter(user_id=report.reporter_id, community=report.community).first()
        if report.reporter_id
        else None
    )
    if resident is None:
        return
    try:
        points_earn(
            community=report.community,
            resident=resident,
            rule_code="report_confirmed",
            quantity=1,
            idempotency_key=f"report:{report.pk}:confirmed",
            actor=actor,
            memo=f"Report #{report.pk}",
        )
    except DomainError as exc:
        if exc.code != "rule_disabled":
            raise
        logger.info("no points for report %s: the rule is switched off", report.pk)


def report_accept(*, actor: Any, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.ACCEPTED, actor=actor, note=note, now=now or timezone.now())


def report_start(*, actor: Any, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.IN_PROGRESS, actor=actor, note=note, now=now or timezone.now())


def report_resolve(*, actor: Any, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    if not (note or "").strip():
        raise DomainError(_("Tell the reporter what was done."), code="missing_note", field="note")
    return _move(report, S.RESOLVED, actor=actor, note=note, now=now or timezone.now())


def report_reject(*, actor: Any, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    if not (note or "").strip():
        raise DomainError(_("Tell the reporter why."), code="missing_note", field="note")
    return _move(report, S.REJECTED, actor=actor, note=note, now=now or timezone.now())


def report_mark_duplicate(
    *, actor: Any, report: Report, original: Report, note: str = "", now: dt.datetime | None = None
) -> Report:
    """A duplicate is closed; its reporter becomes a supporter of the original and hears about it from then on."""
    now = now or timezone.now()
    if original.pk == report.pk or original.community_id != report.community_id or not original.is_open:
        raise DomainError(_("Choose another open report of this community."), code="invalid_original", field="original")
    with transaction.atomic():
        note = note or _("The same problem is already reported as #%(id)s.") % {"id": original.pk}
        report = _move(report, S.DUPLICATE, actor=actor, note=note, now=now)
        report.duplicate_of = original
        report.save(update_fields=["duplicate_of"])
        if report.reporter is not None and report.reporter_id != original.reporter_id:
            _support(original, report.reporter, now=now)
    return report


def report_close(*, actor: Any, report: Report, note: str = "", now: dt.datetime | None = None) -> Report:
    return _move(report, S.CLOSED, actor=actor, note=note, now=now or timezone.now())


def report_assign(
    *, actor: Any, report: Report, assignee: User, note: str = "", now: dt.datetime | None = None
) -> Report:
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if not (rules.can_assign_reports(actor, report.community) or rules.can_handle_report(actor, report)):
            raise NotAllowed(_("You may not assign this report."))
        if not rules.can_be_assigned_report(assignee, report.community):
            raise DomainError(
                _("Assign to someone who works in this community."), code="invalid_assignee", field="assignee"
            )
        if not report.is_open:
            raise Conflict(_("Only open reports can be assigned."), code="invalid_transition")
        before = snapshot(report)
        report.assignee = assignee
        report.updated_at = now
        report.save(update_fields=["assignee", "updated_at"])
        _event(report, ReportEvent.Kind.ASSIGNED, actor=actor, now=now, note=note, public=False)
        audit_record(actor=actor, action="report.assign", instance=report, before=before, after=snapshot(report))
        if assignee.pk != getattr(actor, "pk", None):
            with translation.override(assignee.language or settings.LANGUAGE_CODE):
                _tell(assignee, report, _("Report #%(id)s is yours to fix") % {"id": report.pk}, note, sms=True)
    return report


def reports_assign_bulk(
    *, actor: Any, community: Community, report_ids: Sequence[int], assignee: User, now: dt.datetime | None = None
) -> int:
    """Assign many open reports at once, locked in primary-key order; all or none."""
    if not rules.can_assign_reports(actor, community):
        raise NotAllowed(_("You may not assign reports."))
    now = now or timezone.now()
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update(of=("self",))
            .filter(community=community, pk__in=list(report_ids))
            .order_by("pk")
        )
        if len(reports) != len(set(report_ids)):
            raise DomainError(_("Some of the reports are not in this community."), code="unknown_report")
        for report in reports:
            report_assign(actor=actor, report=report, assignee=assignee, now=now)
    return len(reports)


def report_add_note(
    *, actor: Any, report: Report, note: str, public: bool, now: dt.datetime | None = None
) -> ReportEvent:
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Write a note."), code="missing_note", field="note")
    if len(note) > 2000:
        raise DomainError(_("The note may be at most 2,000 characters."), code="note_too_long", field="note")
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_handle_report(actor, report):
            raise NotAllowed(_("You may not handle this report."))
        report.updated_at = now
        fields = ["updated_at"]
        if public:
            report.status_notes = note[:500]
            fields.append("status_notes")
        report.save(update_fields=fields)
        event = _event(report, ReportEvent.Kind.NOTE, actor=actor, now=now, note=note, public=public)
        audit_record(actor=actor, action="report.note", instance=report, after={"note": note, "public": public})
    return event


def report_reopen(*, actor: Any, report: Report, note: str, now: dt.datetime | None = None) -> Report:
    """The reporter reopens a resolved, closed or rejected report within the category's period."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what is still wrong."), code="missing_note", field="note")
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_reopen_report(actor, report):
            raise NotAllowed(_("Only the reporter may reopen a report."))
        if not report.can_reopen(now):
            raise Conflict(_("This report can no longer be reopened."), code="reopen_closed")
        before = snapshot(report)
        previous = report.status
        to = S.ACCEPTED if report.accepted_at else S.SUBMITTED
        report.status = to
        report.reopen_count = F("reopen_count") + 1
        report.resolved_at = None
        report.finished_at = None
        report.rating = None
        report.rating_comment = ""
        report.status_notes = note[:500]
        report.updated_at = now
        limit = report.category.limit_for(to)
        report.due_at = now + limit if limit else None
        report.save(
            update_fields=[
                "status",
                "reopen_count",
                "resolved_at",
                "finished_at",
                "rating",
                "rating_comment",
                "status_notes",
                "updated_at",
                "due_at",
            ]
        )
        report.refresh_from_db(fields=["reopen_count"])
        _event(report, ReportEvent.Kind.REOPENED, actor=actor, now=now, note=note, from_status=previous, to_status=to)
        audit_record(actor=actor, action="report.reopen", instance=report, before=before, after=snapshot(report))
        handlers = (
            [report.assignee] if report.assignee_id and report.assignee else level_recipients(report, report.level)
        )
        for user in handlers:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                _tell(user, report, _("Report #%(id)s was reopened") % {"id": report.pk}, note, sms=True)
        _tell_followers(report, note=note, actor=actor)
    return report


def report_rate(
    *, actor: Any, report: Report, rating: int, comment: str = "", now: dt.datetime | None = None
) -> Report:
    """The reporter rates the resolution (1–5); rating a resolved report closes it."""
    now = now or timezone.now()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rate from 1 to 5."), code="invalid_rating", field="rating")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_rate_report(actor, report):
            raise NotAllowed(_("Only the reporter may rate a report."))
        if not report.can_rate():
            raise Conflict(_("This report cannot be rated now."), code="cannot_rate")
        before = snapshot(report)
        report.rating = rating
        report.rating_comment = comment
        report.updated_at = now
        report.save(update_fields=["rating", "rating_comment", "updated_at"])
        _event(report, ReportEvent.Kind.RATED, actor=actor, now=now, note=comment)
        audit_record(actor=actor, action="report.rate", instance=report, before=before, after=snapshot(report))
        if report.status == S.RESOLVED:
            report = _move(report, S.CLOSED, actor=actor, note="", now=now, check=False)
        if report.assignee_id and report.assignee:
            with translation.override(report.assignee.language or settings.LANGUAGE_CODE):
                _tell(
                    report.assignee,
                    report,
                    _("Report #%(id)s was rated %(n)s/5") % {"id": report.pk, "n": rating},
                    comment,
                )
    return report


def _support(report: Report, user: User, *, now: dt.datetime) -> bool:
    _, created = ReportSupport.objects.get_or_create(report=report, user=user, defaults={"created_at": now})
    if created:
        Report.objects.filter(pk=report.pk).update(supporters_count=F("supporters_count") + 1)
        _event(report, ReportEvent.Kind.SUPPORTED, actor=user, now=now, public=False)
    return created


def report_support(*, actor: Any, report: Report, now: dt.datetime | None = None) -> bool:
    """Support an open report ("me too") instead of duplicating it. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if not rules.can_support_report(actor, report):
            raise NotAllowed(_("You may not support this report."))
        if not report.is_open:
            raise Conflict(_("Only open reports can be supported."), code="not_open")
        created = _support(report, actor, now=now)
        if created:
            audit_record(actor=actor, action="report.support", instance=report, after={"supporter": actor.pk})
    return created


# --- the clock: escalation and closing -------------------------------------------------------------------


def reports_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Open reports past their state's time limit climb a level (steward → community → street) and notify it."""
    now = now or timezone.now()
    count = 0
    due = list(
        Report.objects.filter(status__in=Report.OPEN_STATUSES, due_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("community", "category", "grid__steward")
                .filter(pk=pk, status__in=Report.OPEN_STATUSES, due_at__lte=now)
                .first()
            )
            if report is None:
                continue
            before = snapshot(report)
            report.overdue = True
            report.updated_at = now
            if report.level >= Level.STREET:
                report.due_at = None
                report.save(update_fields=["overdue", "due_at", "updated_at"])
                audit_record(
                    actor=None, action="report.overdue", instance=report, before=before, after=snapshot(report)
                )
                continue
            report.level = report.level + 1
            limit = report.category.limit_for(report.status)
            report.due_at = now + limit if limit else None
            report.save(update_fields=["overdue", "level", "due_at", "updated_at"])
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Not handled in time: passed to the %(level)s level.") % {"level": Level(report.level).label}
            _event(report, ReportEvent.Kind.ESCALATED, actor=None, now=now, note=note)
            audit_record(actor=None, action="report.escalate", instance=report, before=before, after=snapshot(report))
            _tell_level(report, report.level, note)
            count += 1
    return count


def reports_close_resolved(*, now: dt.datetime | None = None) -> int:
    """Resolved reports that the reporter neither rated nor reopened in time are closed."""
    now = now or timezone.now()
    count = 0
    candidates = Report.objects.filter(status=S.RESOLVED).select_related("category").order_by("pk")
    for report in candidates:
        deadline = report.reopen_deadline()
        if deadline is not None and deadline < now:
            with translation.override(settings.LANGUAGE_CODE):
                note = _("Closed: nobody reopened it in time.")
            _move(report, S.CLOSED, actor=None, note=note, now=now, check=False)
            count += 1
    return count


# --- Open311 API keys ------------------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_client_issue(
    *, actor: Any, community: Community, name: str, requests_per_hour: int = 120, key: str | None = None
) -> tuple[ApiClient, str]:
    """A new API key for a city system. The key is returned once; only its hash is kept."""
    if not rules.can_configure_reports(actor, community):
        raise NotAllowed(_("Only community admins may issue API keys."))
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError(_("Name the client (at most 80 characters)."), code="invalid_name", field="name")
    if not 1 <= requests_per_hour <= 100_000:
        raise DomainError(
            _("Allow between 1 and 100,000 requests an hour."), code="invalid_limit", field="requests_per_hour"
        )
    key = key or f"o311_{secrets.token_urlsafe(24)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            community=community,
            name=name,
            prefix=key[:8],
            key_hash=_key_hash(key),
            requests_per_hour=requests_per_hour,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="open311.key_issue", instance=client, after=snapshot(client))
    return client, key


def api_client_revoke(*, actor: Any, client: ApiClient, now: dt.datetime | None = None) -> ApiClient:
    if not rules.can_configure_reports(actor, client.community):
        raise NotAllowed(_("Only community admins may revoke API keys."))
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            before = snapshot(client)
            client.revoked_at = now or timezone.now()
            client.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor, action="open311.key_revoke", instance=client, before=before, after=snapshot(client)
            )
    return client


def api_client_authenticate(key: str) -> ApiClient | None:
    if not key or len(key) > 200:
        return None
    client = ApiClient.objects.select_related("community").filter(key_hash=_key_hash(key), revoked_at=None).first()
    return client


class ApiClientOverLimit(DomainError):
    code = "rate_limited"
    status = 429


def api_client_hold(client: ApiClient, *, now: dt.datetime | None = None) -> None:
    """In the transaction that creates a report: lock the key's row, then count its last hour. Parallel requests
    with one key are so counted one after the other, and none goes past the limit."""
    locked = ApiClient.objects.select_for_update().filter(pk=client.pk, revoked_at__isnull=True).first()
    if locked is None:
        raise NotAllowed(_("Invalid api_key received -- can't proceed with create_request."))
    if api_client_over_limit(locked, now=now):
        raise ApiClientOverLimit(_("Too many requests with this api_key: try again later."))


def api_client_over_limit(client: ApiClient, *, now: dt.datetime | None = None) -> bool:
    """Counted from the reports the client created in the last hour: exact across processes, no cache needed."""
    now = now or timezone.now()
    recent = Report.objects.filter(api_client=client, created_at__gt=now - dt.timedelta(hours=1)).count()
    return recent >= client.requests_per_hour


def api_client_touch(client: ApiClient, *, now: dt.datetime | None = None) -> None:
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now or timezone.now())
