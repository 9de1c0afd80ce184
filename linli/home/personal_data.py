"""A resident's own data, across every service (PIPL 第四十五条: the right to a copy).

`people` sits low in the layers and cannot see the services built on it; `home` sits above them all, so the copy
is put together here: the account, the register record, then one section per service. Each section is a title,
column headings and rows of plain values, written as JSON or as one Excel sheet each."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.core.exports import append_row
from linli.people.models import Resident

ROW_LIMIT = 20_000  # per section: far more than a person makes; keeps one request bounded


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _account(user: Any) -> Section:
    return Section(
        "account",
        _("Login account"),
        [_("Mobile number"), _("Name"), _("Joined"), _("Language"), _("Elder mode")],
        [
            [
                user.mobile,
                user.display_name,
                _when(user.date_joined),
                user.language,
                _("yes") if user.elder_mode else _("no"),
            ]
        ],
    )


def _profile(r: Resident) -> Section:
    return Section(
        "profile",
        _("Register record"),
        [
            _("Community"),
            _("Name"),
            _("Mobile number"),
            _("Sex"),
            _("Birth date"),
            _("ID number"),
            _("Household"),
            _("Relation to the head of household"),
            _("Residence status"),
            _("Registered (hukou) address"),
            _("Property owner"),
            _("Party member"),
            _("Moved out on"),
        ],
        [
            [
                r.community.name,
                r.name,
                r.mobile,
                r.get_sex_display(),
                _when(r.birth_date),
                r.id_number_masked,
                str(r.household) if r.household else "",
                r.get_relation_to_head_display(),
                r.get_residence_display(),
                r.hukou_address,
                _("yes") if r.is_owner else _("no"),
                _("yes") if r.is_party_member else _("no"),
                _when(r.moved_out_on),
            ]
        ],
    )


def _points(r: Resident) -> Section:
    from linli.ledger.models import Entry
    from linli.ledger.reasons import reasons_for

    entries = list(
        Entry.objects.filter(account__resident=r)
        .select_related("transaction")
        .order_by("occurred_at", "pk")[:ROW_LIMIT]
    )
    reasons = reasons_for(e.transaction for e in entries)
    return Section(
        "points",
        _("Points and money statement"),
        [_("When"), _("Unit"), _("Amount"), _("Balance after"), _("What")],
        [
            [
                _when(e.transaction.occurred_at),
                e.get_unit_display(),
                e.amount,
                e.balance_after,
                reasons[e.transaction_id],
            ]
            for e in entries
        ],
    )


def _orders(r: Resident) -> Section:
    from linli.ledger.models import Order

    orders = Order.objects.filter(resident=r).select_related("merchant", "product").order_by("created_at", "pk")
    return Section(
        "orders",
        _("Orders"),
        [_("Ordered at"), _("Merchant"), _("Product"), _("Quantity"), _("Points"), _("Status")],
        [
            [_when(o.created_at), o.merchant.name, o.product.name, o.quantity, o.points, o.get_status_display()]
            for o in orders[:ROW_LIMIT]
        ],
    )


def _meals(r: Resident) -> Section:
    from linli.canteen.models import MealOrder

    meals = MealOrder.objects.filter(resident=r).select_related("menu__canteen").order_by("menu__day", "pk")
    return Section(
        "meals",
        _("Canteen meals"),
        [_("Day"), _("Canteen"), _("Meal"), _("Diner pays (yuan)"), _("Status")],
        [
            [
                _when(m.menu.day),
                m.menu.canteen.name,
                m.menu.get_meal_display(),
                m.resident_fen / 100,
                m.get_status_display(),
            ]
            for m in meals[:ROW_LIMIT]
        ],
    )


def _bookings(r: Resident) -> Section:
    from linli.facilities.models import Booking

    bookings = (
        Booking.objects.filter(resident=r).select_related("slot__service__facility").order_by("slot__starts_at", "pk")
    )
    return Section(
        "bookings",
        _("Bookings made"),
        [_("Starts at"), _("Facility"), _("Service"), _("Status")],
        [
            [_when(b.slot.starts_at), b.slot.service.facility.name, b.slot.service.name, b.get_status_display()]
            for b in bookings[:ROW_LIMIT]
        ],
    )


def _courses(r: Resident) -> Section:
    from linli.courses.models import Enrolment

    enrolments = Enrolment.objects.filter(resident=r).select_related("course").order_by("created_at", "pk")
    return Section(
        "courses",
        _("Courses"),
        [_("Enrolled at"), _("Course"), _("Status")],
        [[_when(e.created_at), e.course.title, e.get_status_display()] for e in enrolments[:ROW_LIMIT]],
    )


def _volunteering(r: Resident) -> Section:
    from linli.volunteering.models import ServiceRecord

    records = ServiceRecord.objects.filter(resident=r).select_related("activity").order_by("served_on", "pk")
    return Section(
        "volunteering",
        _("Volunteer service"),
        [_("Served on"), _("Activity"), _("Minutes served"), _("Points I earned"), _("Status")],
        [
            [_when(s.served_on), s.activity.title, s.minutes, s.points, s.get_status_display()]
            for s in records[:ROW_LIMIT]
        ],
    )


def _reports(user: Any) -> Section:
    from linli.reports.models import Report

    reports = Report.objects.filter(reporter=user).select_related("category").order_by("created_at", "pk")
    return Section(
        "reports",
        _("Reports (随手拍)"),
        [_("Reported at"), _("Category"), _("Description"), _("Address"), _("Status")],
        [
            [_when(x.created_at), x.category.name, x.description, x.address, x.get_status_display()]
            for x in reports[:ROW_LIMIT]
        ],
    )


def _consultation(r: Resident) -> Section:
    from linli.consultation.models import Registration, Support

    rows: list[list[Any]] = [
        [_when(s.created_at), _("Supported a matter"), s.matter.title]
        for s in Support.objects.filter(resident=r).select_related("matter").order_by("created_at")[:ROW_LIMIT]
    ]
    rows += [
        [_when(g.registered_at), _("Registered for a meeting"), g.meeting.title]
        for g in Registration.objects.filter(resident=r).select_related("meeting").order_by("registered_at")[:ROW_LIMIT]
    ]
    return Section("consultation", _("Consultation (议事)"), [_("When"), _("What"), _("Title")], rows)


def _mediation(r: Resident) -> Section:
    from linli.mediation.models import CaseParty

    parties = CaseParty.objects.filter(resident=r).select_related("case").order_by("case__opened_at", "pk")
    return Section(
        "mediation",
        _("Mediation cases I am a party to"),
        [_("Opened at"), _("Subject"), _("Side"), _("Status")],
        [
            [_when(p.case.opened_at), p.case.title, p.get_side_display(), p.case.get_status_display()]
            for p in parties[:ROW_LIMIT]
        ],
    )


def _clubs(r: Resident) -> Section:
    from linli.volunteering.models import ClubMember

    memberships = ClubMember.objects.filter(resident=r).select_related("club").order_by("joined_on", "pk")
    return Section(
        "clubs",
        _("Club memberships"),
        [_("Joined on"), _("Club"), _("Leader")],
        [[_when(m.joined_on), m.club.name, _("yes") if m.leader else _("no")] for m in memberships[:ROW_LIMIT]],
    )


def _ballots(r: Resident) -> Section:
    """Open votes only: a secret ballot keeps no link to its voter, so nobody can hand it back."""
    from linli.consultation.models import Ballot

    ballots = Ballot.objects.filter(resident=r).select_related("vote", "option").order_by("cast_at", "vote_id")
    return Section(
        "ballots",
        _("Votes I cast (open votes)"),
        [_("Cast at"), _("Question"), _("My choice")],
        [[_when(b.cast_at), b.vote.question, b.option.label] for b in ballots[:ROW_LIMIT]],
    )


def _childcare(user: Any) -> Section:
    from django.db.models import Q

    from linli.childcare.models import Application

    applications = (
        Application.objects.filter(Q(applied_by=user) | Q(child__user=user))
        .select_related("child", "group")
        .order_by("created_at", "pk")
    )
    return Section(
        "childcare",
        _("Childcare applications"),
        [_("Applied at"), _("Child"), _("Group"), _("Wanted from"), _("Status")],
        [
            [_when(a.created_at), a.child.name, a.group.name, _when(a.start_on), a.get_status_display()]
            for a in applications[:ROW_LIMIT]
        ],
    )


def _fund(user: Any) -> Section:
    from linli.fund.models import Application

    applications = Application.objects.filter(submitted_by=user).select_related("applicant").order_by("submitted_at")
    return Section(
        "fund",
        _("Community fund applications I submitted"),
        [_("Submitted at"), _("Applicant"), _("Project title"), _("Requested (yuan)"), _("Status")],
        [
            [_when(a.submitted_at), a.applicant.name, a.title, a.requested_fen / 100, a.get_status_display()]
            for a in applications[:ROW_LIMIT]
        ],
    )


RESIDENT_SECTIONS: tuple[Callable[[Resident], Section], ...] = (
    _profile,
    _points,
    _orders,
    _meals,
    _bookings,
    _courses,
    _volunteering,
    _consultation,
    _mediation,
    _clubs,
    _ballots,
)


def personal_data(*, user: Any) -> list[Section]:
    """Everything the platform holds about this account and its resident records (moved out or not)."""
    sections = [_account(user)]
    for resident in Resident.objects.filter(user=user).select_related("community", "household__building"):
        sections += [make(resident) for make in RESIDENT_SECTIONS]
    sections.append(_reports(user))
    sections += [_childcare(user), _fund(user)]
    return sections


def as_json(sections: list[Section]) -> dict[str, Any]:
    return {
        "exported_at": timezone.now().isoformat(),
        "sections": [
            {"key": s.key, "title": s.title, "rows": [dict(zip(s.headers, row, strict=True)) for row in s.rows]}
            for s in sections
        ],
    }


def as_workbook(sections: list[Section]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for s in sections:
        title = s.title[:28]
        while title in used:  # two register records (two communities): keep sheet names apart
            title = f"{title[:26]}_{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title.replace("/", "-"))
        append_row(ws, s.headers)
        for row in s.rows:
            append_row(ws, row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
