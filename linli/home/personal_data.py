"""A resident's own data, across every service (PIPL 第四十五条: the right to a copy).

`people` sits low in the layers and cannot see the services built on it; `home` sits above them all, so the copy
is put together here: the account, the register record, then one section per service. Each section is a title,
column headings and rows of plain values, written as JSON or as one Excel sheet each."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from linli.accounts.models import User
from linli.accounts.types import Actor, account_of
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


def _account(user: User) -> Section:
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
                _yes_no(user.elder_mode),
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
                _yes_no(r.is_owner),
                _yes_no(r.is_party_member),
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


def _childcare(user: Actor) -> Section:
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


@dataclass(frozen=True)
class _Listing:
    """A section listing the rows of one model that belong to the person: which rows, in which order, and the
    columns. The model is looked up by name when the copy is made (`home` sits above every service)."""

    key: str
    title: Promise
    model: str  # "app_label.ModelName"
    owner: str  # the field that points at the resident (or, for the account's listings, at the user)
    related: tuple[str, ...]
    order: tuple[str, ...]
    columns: tuple[tuple[Promise, Callable[[Any], Any]], ...]

    def section(self, owner: Any) -> Section:
        rows = (
            apps.get_model(self.model)
            ._default_manager.filter(**{self.owner: owner})
            .select_related(*self.related)
            .order_by(*self.order)[:ROW_LIMIT]
        )
        return Section(
            self.key,
            str(self.title),
            [str(header) for header, _value in self.columns],
            [[value(row) for _header, value in self.columns] for row in rows],
        )


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


_ORDERS = _Listing(
    "orders",
    gettext_lazy("Orders"),
    "ledger.Order",
    "resident",
    ("merchant", "product"),
    ("created_at", "pk"),
    (
        (gettext_lazy("Ordered at"), lambda o: _when(o.created_at)),
        (gettext_lazy("Merchant"), lambda o: o.merchant.name),
        (gettext_lazy("Product"), lambda o: o.product.name),
        (gettext_lazy("Quantity"), lambda o: o.quantity),
        (gettext_lazy("Points"), lambda o: o.points),
        (gettext_lazy("Status"), lambda o: o.get_status_display()),
    ),
)
_MEALS = _Listing(
    "meals",
    gettext_lazy("Canteen meals"),
    "canteen.MealOrder",
    "resident",
    ("menu__canteen",),
    ("menu__day", "pk"),
    (
        (gettext_lazy("Day"), lambda m: _when(m.menu.day)),
        (gettext_lazy("Canteen"), lambda m: m.menu.canteen.name),
        (gettext_lazy("Meal"), lambda m: m.menu.get_meal_display()),
        (gettext_lazy("Diner pays (yuan)"), lambda m: m.resident_fen / 100),
        (gettext_lazy("Status"), lambda m: m.get_status_display()),
    ),
)
_BOOKINGS = _Listing(
    "bookings",
    gettext_lazy("Bookings made"),
    "facilities.Booking",
    "resident",
    ("slot__service__facility",),
    ("slot__starts_at", "pk"),
    (
        (gettext_lazy("Starts at"), lambda b: _when(b.slot.starts_at)),
        (gettext_lazy("Facility"), lambda b: b.slot.service.facility.name),
        (gettext_lazy("Service"), lambda b: b.slot.service.name),
        (gettext_lazy("Status"), lambda b: b.get_status_display()),
    ),
)
_COURSES = _Listing(
    "courses",
    gettext_lazy("Courses"),
    "courses.Enrolment",
    "resident",
    ("course",),
    ("created_at", "pk"),
    (
        (gettext_lazy("Enrolled at"), lambda e: _when(e.created_at)),
        (gettext_lazy("Course"), lambda e: e.course.title),
        (gettext_lazy("Status"), lambda e: e.get_status_display()),
    ),
)
_VOLUNTEERING = _Listing(
    "volunteering",
    gettext_lazy("Volunteer service"),
    "volunteering.ServiceRecord",
    "resident",
    ("activity",),
    ("served_on", "pk"),
    (
        (gettext_lazy("Served on"), lambda s: _when(s.served_on)),
        (gettext_lazy("Activity"), lambda s: s.activity.title),
        (gettext_lazy("Minutes served"), lambda s: s.minutes),
        (gettext_lazy("Points I earned"), lambda s: s.points),
        (gettext_lazy("Status"), lambda s: s.get_status_display()),
    ),
)
_MEDIATION = _Listing(
    "mediation",
    gettext_lazy("Mediation cases I am a party to"),
    "mediation.CaseParty",
    "resident",
    ("case",),
    ("case__opened_at", "pk"),
    (
        (gettext_lazy("Opened at"), lambda p: _when(p.case.opened_at)),
        (gettext_lazy("Subject"), lambda p: p.case.title),
        (gettext_lazy("Side"), lambda p: p.get_side_display()),
        (gettext_lazy("Status"), lambda p: p.case.get_status_display()),
    ),
)
_CLUBS = _Listing(
    "clubs",
    gettext_lazy("Club memberships"),
    "volunteering.ClubMember",
    "resident",
    ("club",),
    ("joined_on", "pk"),
    (
        (gettext_lazy("Joined on"), lambda m: _when(m.joined_on)),
        (gettext_lazy("Club"), lambda m: m.club.name),
        (gettext_lazy("Leader"), lambda m: _yes_no(m.leader)),
    ),
)
# Open votes only: a secret ballot keeps no link to its voter, so nobody can hand it back.
_BALLOTS = _Listing(
    "ballots",
    gettext_lazy("Votes I cast (open votes)"),
    "consultation.Ballot",
    "resident",
    ("vote", "option"),
    ("cast_at", "vote_id"),
    (
        (gettext_lazy("Cast at"), lambda b: _when(b.cast_at)),
        (gettext_lazy("Question"), lambda b: b.vote.question),
        (gettext_lazy("My choice"), lambda b: b.option.label),
    ),
)
_REPORTS = _Listing(
    "reports",
    gettext_lazy("Reports (随手拍)"),
    "reports.Report",
    "reporter",
    ("category",),
    ("created_at", "pk"),
    (
        (gettext_lazy("Reported at"), lambda x: _when(x.created_at)),
        (gettext_lazy("Category"), lambda x: x.category.name),
        (gettext_lazy("Description"), lambda x: x.description),
        (gettext_lazy("Address"), lambda x: x.address),
        (gettext_lazy("Status"), lambda x: x.get_status_display()),
    ),
)
_FUND = _Listing(
    "fund",
    gettext_lazy("Community fund applications I submitted"),
    "fund.Application",
    "submitted_by",
    ("applicant",),
    ("submitted_at",),
    (
        (gettext_lazy("Submitted at"), lambda a: _when(a.submitted_at)),
        (gettext_lazy("Applicant"), lambda a: a.applicant.name),
        (gettext_lazy("Project title"), lambda a: a.title),
        (gettext_lazy("Requested (yuan)"), lambda a: a.requested_fen / 100),
        (gettext_lazy("Status"), lambda a: a.get_status_display()),
    ),
)


RESIDENT_SECTIONS: tuple[Callable[[Resident], Section], ...] = (
    _profile,
    _points,
    _ORDERS.section,
    _MEALS.section,
    _BOOKINGS.section,
    _COURSES.section,
    _VOLUNTEERING.section,
    _consultation,
    _MEDIATION.section,
    _CLUBS.section,
    _BALLOTS.section,
)


def personal_data(*, user: Actor) -> list[Section]:
    """Everything the platform holds about this account and its resident records (moved out or not)."""
    account = account_of(user)
    sections = [_account(account)]
    for resident in Resident.objects.filter(user=account).select_related("community", "household__building"):
        sections += [make(resident) for make in RESIDENT_SECTIONS]
    sections += [_REPORTS.section(user), _childcare(user), _FUND.section(user)]
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
