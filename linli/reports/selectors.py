"""Reading reports. Reports are public as in Open311 (without the reporter); queues are for staff."""

import datetime as dt
import math
import statistics
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import RoleAssignment, User
from linli.accounts.types import Actor, account_of
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.ledger.reasons import key_part
from linli.people.models import Resident
from linli.places.geometry import haversine_m
from linli.places.models import Building, Community, Grid

from . import rules
from .models import ApiClient, Category, CategoryAttribute, Level, Report, ReportEvent, ReportPhoto, ReportSupport

S = Report.Status


def categories_of(*, community: Community, active_only: bool = True, open311: bool = False) -> QuerySet[Category]:
    """The community's categories; `open311`: only those offered to city systems."""
    qs = Category.objects.filter(community=community).prefetch_related("attributes")
    if open311:
        qs = qs.filter(open311_listed=True)
    return qs.filter(active=True) if active_only else qs


def category_choices(*, community: Community) -> QuerySet[Category]:
    """The community's categories, retired ones too, as a filter's options: code and name only."""
    return Category.objects.filter(community=community).order_by("order", "code").only("code", "name")


def grid_choices(*, community: Community) -> QuerySet[Grid]:
    """The community's grids as a filter's options: code and name only (no boundary, no steward)."""
    return Grid.objects.filter(community=community).order_by("code").only("code", "name")


def categories_to_set_up(*, user: Actor, community: Community) -> QuerySet[Category]:
    """Every category of the community, retired ones too, for those who configure reports."""
    if not rules.can_configure_reports(user, community):
        raise NotAllowed(_("Only community admins set up report categories."))
    return (
        Category.objects.filter(community=community)
        .select_related("responsible", "first_grid")
        .prefetch_related("attributes")
        .order_by("-active", "order", "code")
    )


def category_to_set_up(*, user: Actor, community: Community, pk: int) -> Category:
    """A category of this community (another community's → 404), for those who configure reports."""
    category = categories_to_set_up(user=user, community=community).filter(pk=pk).first()
    if category is None:
        raise NotFound(_("No such report category."))
    return category


def category_grid(*, community: Community, pk: int | None) -> Grid | None:
    """A grid of this community by id for a category's routing (None for none); another community's is refused."""
    if pk is None:
        return None
    grid = Grid.objects.filter(community=community, pk=pk).first()
    if grid is None:
        raise DomainError(_("Choose a grid of this community."), field="first_grid", code="invalid_grid")
    return grid


def category_attribute_to_set_up(*, category: Category, pk: int) -> CategoryAttribute:
    attribute = CategoryAttribute.objects.filter(category=category, pk=pk).first()
    if attribute is None:
        raise NotFound(_("No such question."))
    return attribute


def category_get(*, community: Community, code: str) -> Category:
    category = categories_of(community=community).filter(code=code).first()
    if category is None:
        raise NotFound(_("No category has the code “%(code)s”.") % {"code": code}, code="unknown_category")
    return category


def category_find(*, community: Community, pk: int) -> Category | None:
    """An active category of the community by id, or None."""
    return categories_of(community=community).filter(pk=pk).first()


def report_get(*, community: Community, pk: int) -> Report:
    report = (
        Report.objects.filter(community=community, pk=pk)
        .select_related("community", "category", "grid__steward", "building", "assignee", "reporter", "duplicate_of")
        .first()
    )
    if report is None:
        raise NotFound(_("No report #%(id)s in this community.") % {"id": pk}, code="unknown_report")
    return report


@dataclass
class QueueFilter:
    status: str = "open"
    category: str = ""
    grid: str = ""
    mine: bool = False
    overdue: bool = False
    level: int | None = None
    q: str = ""


def reports_queue(*, user: Actor, community: Community, filters: QueueFilter) -> QuerySet[Report]:
    """The work queue: a steward sees their grids first; community staff and the street see everything."""
    if not rules.can_view_queue(user, community):
        raise NotAllowed(_("Only community staff see the work queue."))
    qs = Report.objects.filter(community=community).select_related("category", "grid", "assignee", "building")
    if filters.status == "open":
        qs = qs.filter(status__in=Report.OPEN_STATUSES)
    elif filters.status in S.values:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.grid:
        qs = qs.filter(grid__code=filters.grid)
    if filters.mine:
        qs = qs.filter(Q(assignee=user) | Q(grid__steward=user))
    if filters.overdue:
        qs = qs.filter(overdue=True)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.q:
        qs = qs.filter(Q(description__icontains=filters.q) | Q(address__icontains=filters.q))
    return qs.order_by("due_at", "-created_at")


def reports_queue_rows(*, user: Actor, community: Community, filters: QueueFilter) -> QuerySet[Report]:
    """The work queue as its page lists it: each report's columns the table shows, and the names of its category,
    grid and handler (not the attributes, the grid's boundary or the building's outline)."""
    return (
        reports_queue(user=user, community=community, filters=filters)
        .select_related(None)
        .select_related("category", "grid", "assignee")
        .only(
            "community_id",
            "status",
            "description",
            "level",
            "due_at",
            "overdue",
            "created_at",
            "category__name",
            "grid__name",
            "assignee__display_name",
            "assignee__mobile",
        )
    )


def reports_of_user(*, user: Actor) -> QuerySet[Report]:
    """What the user reported or supports, and what someone reported for them (a family helper, 代办)."""
    # Subqueries rather than joins: no row is repeated (no DISTINCT over every column). PostgreSQL cannot tell how
    # few rows such an OR keeps, so the resident a report was made for is read after (a join would hash them all).
    account = account_of(user)
    supported = ReportSupport.objects.filter(user=account).values("report_id")
    for_them = Resident.objects.filter(user=account).values("pk")
    return (
        Report.objects.filter(Q(reporter=user) | Q(pk__in=supported) | Q(on_behalf_of__in=for_them))
        .select_related("community", "category", "reporter__resident")
        .prefetch_related("on_behalf_of")
        .order_by("-created_at")
    )


def reports_nearby(
    *,
    community: Community,
    category: Category | None,
    lat: float | None,
    lng: float | None,
    building_id: int | None = None,
    radius_m: float = 250,
    limit: int = 10,
) -> list[Report]:
    """Open reports of the same category near a point (or in the same building), nearest first."""
    qs = Report.objects.filter(community=community, status__in=Report.OPEN_STATUSES).select_related("category")
    if category is not None:
        qs = qs.filter(category=category)
    if building_id:
        from linli.places.models import Building

        b = Building.objects.filter(community=community, pk=building_id).first()
        if b is not None and lat is None:
            lat, lng = b.lat, b.lng
    if lat is None or lng is None:
        return list(qs.filter(building_id=building_id)[:limit]) if building_id else []
    dlat = radius_m / 111_320
    dlng = radius_m / (111_320 * max(0.1, math.cos(math.radians(lat))))
    near = qs.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
    found = []
    for report in near[:200]:
        assert report.lat is not None and report.lng is not None
        d = haversine_m(lng, lat, report.lng, report.lat)
        if d <= radius_m:
            report.distance_m = round(d)  # type: ignore[attr-defined]
            found.append(report)
    found.sort(key=lambda r: r.distance_m)  # type: ignore[attr-defined]
    return found[:limit]


@dataclass(frozen=True)
class SlaFigures:
    total: int
    open: int
    overdue_open: int
    escalated: int
    accepted_in_time_pct: float | None
    median_hours_to_accept: float | None
    median_hours_to_resolve: float | None
    resolved: int
    average_rating: float | None
    reopened: int
    by_category: list[dict[str, Any]]
    by_level: dict[str, int]


def sla_figures(*, user: Actor, community: Community, days: int = 90, now: dt.datetime | None = None) -> SlaFigures:
    """How quickly reports were handled over the last `days` days."""
    if not rules.can_view_queue(user, community):
        raise NotAllowed(_("Only community staff see these figures."))
    now = now or timezone.now()
    qs = Report.objects.filter(community=community, created_at__gte=now - dt.timedelta(days=days))
    rows = list(
        qs.values_list("created_at", "accepted_at", "resolved_at", "category__accept_within_hours", "overdue", "level")
    )
    accept_hours = [(a - c).total_seconds() / 3600 for c, a, _r, _l, _o, _v in rows if a]
    resolve_hours = [(r - c).total_seconds() / 3600 for c, _a, r, _l, _o, _v in rows if r]
    in_time = [(a - c).total_seconds() / 3600 <= limit for c, a, _r, limit, _o, _v in rows if a]
    agg = qs.aggregate(
        open=Count("pk", filter=Q(status__in=Report.OPEN_STATUSES)),
        overdue_open=Count("pk", filter=Q(status__in=Report.OPEN_STATUSES, overdue=True)),
        escalated=Count("pk", filter=Q(level__gt=Level.STEWARD)),
        rating=Avg("rating"),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    by_category = list(
        qs.values("category__code", "category__name")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(status__in=Report.OPEN_STATUSES)), rating=Avg("rating"))
        .order_by("-n")
    )
    by_level = {str(Level(v).label): n for v, n in qs.values_list("level").annotate(n=Count("pk")).order_by("level")}
    return SlaFigures(
        total=len(rows),
        open=agg["open"],
        overdue_open=agg["overdue_open"],
        escalated=agg["escalated"],
        accepted_in_time_pct=round(100 * sum(in_time) / len(in_time), 1) if in_time else None,
        median_hours_to_accept=round(statistics.median(accept_hours), 1) if accept_hours else None,
        median_hours_to_resolve=round(statistics.median(resolve_hours), 1) if resolve_hours else None,
        resolved=len(resolve_hours),
        average_rating=round(agg["rating"], 2) if agg["rating"] is not None else None,
        reopened=agg["reopened"],
        by_category=by_category,
        by_level=by_level,
    )


def report_events(*, user: Actor, report: Report) -> QuerySet[ReportEvent]:
    """The report's history: all of it for those who handle it, the public entries for everyone else."""
    events = report.events.select_related("actor").order_by("created_at", "id")
    return events if rules.can_handle_report(user, report) else events.filter(public=True)


def has_supported(*, user: Actor, report: Report) -> bool:
    return bool(user.is_authenticated) and report.supports.filter(user=account_of(user)).exists()


def assignees_of(*, community: Community, roles: Collection[str], limit: int | None = None) -> QuerySet[User]:
    """Accounts holding one of `roles` in the community, by name: whom a report can be given to."""
    holders = RoleAssignment.objects.filter(community=community, role__in=roles)
    accounts = User.objects.filter(pk__in=holders.values("user_id")).order_by("display_name")
    return accounts[:limit] if limit is not None else accounts


def report_photo_find(*, code: str, report_id: int, pk: int) -> ReportPhoto | None:
    """A report's photo (public, like the report) by the community's code, the report and the photo's id."""
    return ReportPhoto.objects.filter(community__code=code, report_id=report_id, pk=pk).first()


def reports_on_map(*, user: Actor, community: Community, limit: int = 1000) -> list[Report]:
    """The newest open reports with a place, for the staff's map."""
    if not rules.can_view_queue(user, community):
        raise NotAllowed(_("Only community staff see the work queue."))
    return list(
        Report.objects.filter(community=community, status__in=Report.OPEN_STATUSES, lat__isnull=False)
        .select_related("category")
        .order_by("-created_at")[:limit]
    )


def api_clients_of(*, user: Actor, community: Community) -> QuerySet[ApiClient]:
    if not rules.can_configure_reports(user, community):
        raise NotAllowed(_("Only community admins manage Open311 API keys."))
    return ApiClient.objects.filter(community=community).order_by("-created_at")


def api_client_get(*, user: Actor, community: Community, pk: int) -> ApiClient:
    client = api_clients_of(user=user, community=community).filter(pk=pk).first()
    if client is None:
        raise NotFound(_("No such API key."))
    return client


# --- Open311 (public, like the reports themselves) -----------------------------------------------------------

OPEN311_COMMUNITY_FIELDS = ("pk", "code", "name", "street_id")

OPEN311_ROW_FIELDS = (
    "pk",
    "status",
    "status_notes",
    "category__name",
    "category__code",
    "description",
    "category__agency_responsible",
    "category__service_notice",
    "created_at",
    "updated_at",
    "expected_at",
    "address",
    "building_id",
    "building__name",
    "lat",
    "lng",
    "media_url",
    "community__code",
)


def open311_communities(*, limit: int) -> list[Community]:
    return list(Community.objects.only(*OPEN311_COMMUNITY_FIELDS)[:limit])


def open311_community(*, code: str) -> Community | None:
    return Community.objects.filter(code=code).only(*OPEN311_COMMUNITY_FIELDS).first()


def category_by_code(*, community: Community, code: str, with_attributes: bool = False) -> Category | None:
    """An active category offered to city systems (Open311), by its code, or None."""
    categories = Category.objects.filter(community=community, active=True, open311_listed=True, code=code)
    return (categories.prefetch_related("attributes") if with_attributes else categories).first()


def building_find(*, community: Community, pk: int) -> Building | None:
    return Building.objects.filter(community=community, pk=pk).select_related("grid").first()


def report_by_token(*, community: Community, token: str) -> Report | None:
    return Report.objects.filter(community=community, token=token).only("pk", "token").first()


def open311_requests(
    *,
    community: Community,
    limit: int,
    ids: list[int] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    codes: list[str] | None = None,
    open_only: bool | None = None,
) -> QuerySet[Report]:
    """Reports by id, or created between `start` and `end` (of these categories; open or closed ones only), newest
    first."""
    reports = Report.objects.filter(community=community)
    if ids is not None:
        return reports.filter(pk__in=ids).order_by("-created_at", "-id")[:limit]
    if start is not None:
        reports = reports.filter(created_at__gte=start)
    if end is not None:
        reports = reports.filter(created_at__lte=end)
    if codes:
        reports = reports.filter(category__code__in=codes)
    if open_only is not None:
        open_ = Q(status__in=Report.OPEN_STATUSES)
        reports = reports.filter(open_) if open_only else reports.exclude(open_)
    return reports.order_by("-created_at", "-id")[:limit]


def open311_rows(*, reports: QuerySet[Report]) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """(the reports' OPEN311_ROW_FIELDS, {report id: its first photo's id}): two queries whatever the count, and no
    model instances, so that 1,000 results render well within the time budget."""
    rows = list(reports.values_list(*OPEN311_ROW_FIELDS))
    first_photo: dict[int, int] = {}
    if rows:
        for report_id, photo_id in (
            ReportPhoto.objects.filter(report_id__in=[r[0] for r in rows])
            .order_by("-id")
            .values_list("report_id", "id")
        ):
            first_photo[report_id] = photo_id
    return rows, first_photo


def earnings_described(txns: list[Any]) -> dict[int, str]:
    """For the points statement: the kind of problem each `report:<pk>:confirmed` earning was for."""
    ids = {t.pk: key_part(t, 1) for t in txns}
    names = dict(Report.objects.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", "category__name"))
    return {pk: _("Report: %(category)s") % {"category": names[i]} for pk, i in ids.items() if i in names}


def report_answers(report: Any) -> list[tuple[str, str]]:
    """The report's answers to its category's questions, as a person reads them: the question, and the answer's
    name for a list (not its key); "yes"/"no" for a true/false value."""
    questions = {a.code: a for a in report.category.attributes.all()}
    rows = []
    for code, value in (report.attributes or {}).items():
        question = questions.get(code)
        names = {str(v.get("key")): str(v.get("name", v.get("key"))) for v in (question.values if question else [])}
        values = value if isinstance(value, list) else [value]
        shown = []
        for v in values:
            if isinstance(v, bool):
                shown.append(_("yes") if v else _("no"))
            else:
                shown.append(names.get(str(v), str(v)))
        rows.append((question.description if question else code, "、".join(shown)))
    return rows
