"""The staff workbench (工作台): for each role the user holds, what waits for them, counted from the records and read
through each domain's selectors. Every item is a link to the page where the work is done."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules as account_rules
from linli.accounts.models import Role
from linli.accounts.types import Actor
from linli.canteen import selectors as canteen
from linli.care import rules as care_rules
from linli.care import selectors as care
from linli.care.models import Referral
from linli.consultation import rules as consultation_rules
from linli.consultation import selectors as consultation
from linli.core.errors import NotAllowed
from linli.facilities import rules as facility_rules
from linli.facilities import selectors as facilities
from linli.fund import selectors as fund
from linli.ledger import selectors as ledger
from linli.ledger.models import Order
from linli.mediation import selectors as mediation
from linli.mediation.models import Case
from linli.payments import rules as payment_rules
from linli.people import selectors as people
from linli.people.models import RegisterImport
from linli.places import selectors as places
from linli.places.models import Community, Street
from linli.reports import rules as report_rules
from linli.reports import selectors as reports
from linli.reports.selectors import QueueFilter
from linli.waste import rules as waste_rules
from linli.waste import selectors as waste

WORKBENCH_ROLES = frozenset(
    {
        Role.GRID_STEWARD,
        Role.SOCIAL_WORKER,
        Role.COMMUNITY_ADMIN,
        Role.MERCHANT_STAFF,
        Role.OPERATOR,
    }
)


@dataclass
class Item:
    label: str
    url: str
    count: int | None = None
    urgent: bool = False
    testid: str = ""


@dataclass
class CommunityRow:
    """A street's community, side by side with the others: its open and overdue reports."""

    name: str
    url: str
    open_reports: int
    overdue_reports: int


@dataclass
class Section:
    title: str
    subtitle: str = ""
    items: list[Item] = field(default_factory=list)
    testid: str = ""
    communities: list[CommunityRow] = field(default_factory=list)


def has_workbench(user: Actor) -> bool:
    """Staff of any kind (not residents and volunteers only) start on the workbench."""
    access = account_rules.access_for(user)
    if access.superuser or access.city_viewer or access.street_ids:
        return True
    return any(roles & WORKBENCH_ROLES for roles in access.community_roles.values())


def _link(name: str, *args: Any, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _safe_count(read: Any) -> int | None:
    try:
        return int(read())
    except NotAllowed:
        return None


def _reports_items(user: Actor, community: Community, *, mine: bool) -> list[Item]:
    if not report_rules.can_view_queue(user, community):
        return []
    open_reports = reports.reports_queue(user=user, community=community, filters=QueueFilter(mine=mine))
    overdue = reports.reports_queue(user=user, community=community, filters=QueueFilter(mine=mine, overdue=True))
    query = "mine=1" if mine else ""
    n_overdue = overdue.count()
    return [
        Item(
            _("Reports to handle in my grids") if mine else _("Open reports"),
            _link("reports:queue", community.code, query=query),
            open_reports.count(),
            testid="reports-open",
        ),
        Item(
            _("Overdue reports"),
            _link("reports:queue", community.code, query="&".join(q for q in (query, "overdue=1") if q)),
            n_overdue,
            urgent=n_overdue > 0,
            testid="reports-overdue",
        ),
    ]


def _care_items(user: Actor, community: Community, today: dt.date) -> list[Item]:
    if not care_rules.can_view_care_list(user, community):
        return []
    entries = care.care_list(user=user, community=community, today=today)
    overdue = sum(1 for e in entries if e.overdue)
    due = sum(1 for e in entries if e.due_soon or e.never_visited)
    return [
        Item(_("Care visits due soon"), _link("care:work_list", community.code), due, testid="care-due"),
        Item(
            _("Care visits overdue"),
            _link("care:work_list", community.code, query="overdue=on"),
            overdue,
            urgent=overdue > 0,
            testid="care-overdue",
        ),
    ]


def _waste_items(user: Actor, community: Community, today: dt.date) -> list[Item]:
    if not waste_rules.can_check(user, community):
        return []
    n = waste.checks_of(user=user, community=community, day=today).count()
    return [Item(_("Waste-sorting checks today"), _link("waste:round", community.code), n, testid="waste-checks")]


def _steward(user: Actor, community: Community, today: dt.date) -> list[Item]:
    return (
        _reports_items(user, community, mine=True)
        + _care_items(user, community, today)
        + _waste_items(user, community, today)
    )


def _social_worker(user: Actor, community: Community, today: dt.date) -> list[Item]:
    items = []
    if care_rules.can_handle_referrals(user, community):
        n = care.referrals_for(user=user, community=community, status=Referral.Status.OPEN).count()
        items.append(Item(_("Open referrals"), _link("care:referrals", community.code), n, testid="referrals"))
    n_cases = (
        mediation.cases_for(user=user, community=community)
        .filter(status__in=[Case.Status.OPEN, Case.Status.MEDIATING])
        .count()
    )
    items.append(Item(_("Mediation cases in progress"), _link("mediation:index", community.code), n_cases))
    return items + _care_items(user, community, today)


def _admin(user: Actor, community: Community) -> list[Item]:
    items = _reports_items(user, community, mine=False)
    n = _safe_count(lambda: ledger.pending_merchants(user=user, community=community).count())
    if n is not None:
        items.append(
            Item(_("Merchant applications"), _link("ledger:books", community.code), n, urgent=n > 0, testid="merchants")
        )
    if payment_rules.can_reconcile(user, community):
        items.append(Item(_("Payment reconciliation"), _link("payments:reconcile", community.code)))
    if payment_rules.can_set_stored_value(user, community):
        items.append(Item(_("Stored value"), _link("payments:stored_value", community.code), testid="stored-value"))
    n = len(fund.to_review(user=user, community=community))
    items.append(Item(_("Fund applications to review"), _link("fund:review", community.code), n))
    n = _safe_count(lambda: people.data_request_queue(user=user, community=community).count())
    if n is not None:
        items.append(
            Item(
                _("Personal data requests"),
                _link("people:data_request_queue", community.code),
                n,
                urgent=n > 0,
                testid="data-requests",
            )
        )
    n = _safe_count(
        lambda: (
            people.register_imports_for(user=user, community=community)
            .filter(status__in=[RegisterImport.Status.PREVIEWED, RegisterImport.Status.FAILED])
            .count()
        )
    )
    if n is not None:
        items.append(Item(_("Register imports to confirm"), _link("people:register_import", community.code), n))
    if consultation_rules.can_view_staff_pages(user, community):
        n = consultation.open_matters(user=user, community=community).count()
        items.append(Item(_("Matters awaiting decision"), _link("consultation:home", community.code), n))
    items.append(
        Item(_("Set up: neighbourhoods, buildings, grids, staff"), _link("places:community_setup", community.code))
    )
    return items


def _operator(user: Actor, community: Community, today: dt.date) -> list[Item]:
    if not facility_rules.can_run_front_desk(user, community):
        return []
    rows = facilities.day_sheet(user=user, community=community, day=today)
    bookings = sum(len(r.bookings) for r in rows)
    meals = _safe_count(lambda: canteen_orders_today(user, community, today))
    items = [Item(_("Bookings today"), _link("facilities:day_sheet", community.code), bookings, testid="bookings")]
    if meals is not None:
        items.append(Item(_("Meals ordered for today"), _link("canteen:day", community.code), meals))
    if payment_rules.can_take_at_counter(user, community):
        items.append(Item(_("Service counter"), _link("payments:counter", community.code), testid="counter"))
        items.append(Item(_("Today's cash-up"), _link("payments:cashup", community.code)))
    return items


def canteen_orders_today(user: Actor, community: Community, today: dt.date) -> int:
    return canteen.orders_of_day(user=user, community=community, day=today).count()


def _merchant_sections(user: Actor) -> list[Section]:
    sections = []
    for merchant in ledger.merchants_of_user(user):
        to_redeem = ledger.merchant_orders(user=user, merchant=merchant, status=Order.Status.PAID).count()
        unsettled = ledger.unsettled_points(merchant)
        sections.append(
            Section(
                title=merchant.name,
                subtitle=merchant.community.name,
                testid="merchant",
                items=[
                    Item(_("Codes to redeem"), _link("ledger:merchant_home", merchant.pk), to_redeem),
                    Item(_("Points not yet settled"), _link("ledger:merchant_home", merchant.pk), unsettled),
                    Item(_("Products"), _link("ledger:merchant_products", merchant.pk)),
                ],
            )
        )
    return sections


def _street_section(user: Actor, street: Street) -> Section:
    items = [
        Item(_("Street cockpit"), _link("cockpit:street", street.code), testid="street-cockpit"),
        Item(_("Life-circle health check"), _link("planning:street", street.code), testid="street-health"),
        *(
            [Item(_("City health check"), _link("planning:city", street.city), testid="street-city-health")]
            if street.city
            else []
        ),
        Item(_("Street notices"), _link("notices:street_list", street.code)),
        Item(_("Community partners"), _link("partners:street", street.code)),
        Item(_("Set up streets and communities"), _link("places:street_list"), testid="setup-streets"),
    ]
    rows = []
    for community in places.communities_of_street(street=street):
        queue = reports.reports_queue(user=user, community=community, filters=QueueFilter())
        rows.append(
            CommunityRow(
                name=community.name,
                url=_link("home:community_detail", community.code),
                open_reports=queue.count(),
                overdue_reports=queue.filter(overdue=True).count(),
            )
        )
    return Section(title=street.name, subtitle=_("Street admin"), items=items, testid="street", communities=rows)


ROLE_LABELS = {role.value: role.label for role in Role}


def workbench_for(user: Actor, today: dt.date | None = None) -> list[Section]:
    """One section per community role, merchant, street and the city."""
    today = today or timezone.localdate()
    access = account_rules.access_for(user)
    sections: list[Section] = []
    for community in places.communities_with_roles_of(user):
        roles = access.roles_in(community)
        items: list[Item] = []
        if Role.COMMUNITY_ADMIN in roles:
            items += _admin(user, community)
        if Role.SOCIAL_WORKER in roles:
            items += _social_worker(user, community, today)
        if Role.GRID_STEWARD in roles and Role.COMMUNITY_ADMIN not in roles:
            items += _steward(user, community, today)
        if Role.OPERATOR in roles:
            items += _operator(user, community, today)
        if not items:
            continue
        unique: dict[str, Item] = {}  # one item per page (an admin who is also a social worker sees care once)
        for item in items:
            unique.setdefault(item.url, item)
        held = " · ".join(str(ROLE_LABELS[r]) for r in sorted(roles) if r in WORKBENCH_ROLES)
        sections.append(
            Section(title=community.name, subtitle=held, items=list(unique.values()), testid=f"c-{community.code}")
        )
    sections += _merchant_sections(user)
    for street in places.streets_of_admin(user):
        sections.append(_street_section(user, street))
    if account_rules.can_view_city(user):
        sections.append(
            Section(
                title=_("City"),
                subtitle=_("City admin") if access.city_admin else _("City viewer"),
                items=[
                    *(_city_admin_items(user) if access.city_admin else []),
                    Item(_("City cockpit"), _link("cockpit:city"), testid="city-cockpit"),
                    Item(_("City health check"), _link("planning:cities"), testid="city-health"),
                ],
                testid="city",
            )
        )
    return sections


def _city_admin_items(user: Actor) -> list[Item]:
    """A city admin sets up the streets: those still without a street admin or a community come first."""
    to_do = places.streets_to_set_up(user)
    no_admin, no_community = to_do.without_admin, to_do.without_community
    streets = _link("places:street_list")
    return [
        Item(_("Set up streets and communities"), streets, testid="city-setup-streets"),
        Item(_("Streets without a street admin"), streets, no_admin, urgent=no_admin > 0, testid="streets-no-admin"),
        Item(_("Streets with no community yet"), streets, no_community, testid="streets-no-community"),
    ]


def waste_rounds_of(user: Actor, today: dt.date | None = None) -> list[tuple[Community, int]]:
    """The communities where the user checks waste sorting as a volunteer (垃圾分类督导员), with the checks they
    recorded today. Volunteers start on the resident home, which offers the round; staff find it on the workbench."""
    access = account_rules.access_for(user)
    if not any(Role.VOLUNTEER in roles for roles in access.community_roles.values()):
        return []  # most residents: no query
    today = today or timezone.localdate()
    return [
        (community, waste.checks_of(user=user, community=community, day=today).count())
        for community in places.communities_with_roles_of(user)
        if Role.VOLUNTEER in access.roles_in(community) and waste_rules.can_check(user, community)
    ]
