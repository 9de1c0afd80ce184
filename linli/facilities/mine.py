"""The lists on "my bookings" besides the facility bookings. Each service run in a facility (canteen, courses,
childcare) registers its own list from its `AppConfig.ready`, so facilities, below them, never imports them.

The page is read lean: each list reads only the columns its lines show, without joining the residents
nor who made each record: those come from the household the page has already read (`attach_people`), and a
record's status label is looked up once per list, not formatted again on each line, nor its day by the
template's generic date formatter."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.links import RowLinks
from linli.people.models import Resident
from linli.people.templatetags.linli_family import by_for_name


@dataclass(frozen=True)
class MineList:
    rows_of_user: Callable[..., Any]
    limit: int
    resident: str  # the row's field naming whom it is for
    actor: str  # … and who made it
    links: dict[str, str]  # the row's attribute: the name of its URL (args: the row's community code and id)


_LISTS: dict[str, MineList] = {}


def mine_list_register(
    name: str,
    rows_of_user: Callable[..., Any],
    *,
    limit: int,
    resident: str = "resident",
    actor: str,
    links: dict[str, str] | None = None,
) -> None:
    """`rows_of_user(user=, members=, limit=)` gives the first `limit` rows (a list) of the user's household and the
    elders they help (`members`, looked up once by the page), newest first, reading only what the page shows; the
    page sets each one's resident (field `resident`) and "by whom" (field `actor`) from `members`, and its `links`
    (attribute: URL name), reversed once per list rather than by a template tag per line."""
    _LISTS[name] = MineList(rows_of_user, limit, resident, actor, links or {})


def mine_lists(*, user: Actor, members: list[Resident]) -> dict[str, list[Any]]:
    lists = {name: spec.rows_of_user(user=user, members=members, limit=spec.limit) for name, spec in _LISTS.items()}
    people = People(members)
    for name, spec in _LISTS.items():
        people.want(lists[name], resident=spec.resident, actor=spec.actor)
    people.fetch_missing()
    links = RowLinks()
    for name, spec in _LISTS.items():
        people.attach(lists[name], resident=spec.resident, actor=spec.actor)
        for row in lists[name]:
            for attribute, url_name in spec.links.items():
                setattr(row, attribute, links(url_name, row.community.code, row.pk))
    return lists


class People:
    """The residents and the makers ("by X for Y") of the page's rows, from the household already read; the few
    others (a record made by the front desk, an elder's record made by their other helper) in one query for all
    the lists at once."""

    def __init__(self, members: Sequence[Resident]) -> None:
        self.residents: dict[int, Resident] = {r.pk: r for r in members}
        self.name_of_user: dict[int, str] = {r.user_id: r.name for r in members if r.user_id is not None}
        self._residents_wanted: set[int] = set()
        self._users_wanted: set[int] = set()
        self._by_for_words: dict[tuple[str, int], str] = {}

    def want(self, rows: Sequence[Any], *, resident: str, actor: str) -> None:
        for row in rows:
            resident_id, actor_id = getattr(row, f"{resident}_id"), getattr(row, f"{actor}_id")
            if resident_id is not None and resident_id not in self.residents:
                self._residents_wanted.add(resident_id)
            if actor_id is not None and actor_id not in self.name_of_user:
                self._users_wanted.add(actor_id)

    def fetch_missing(self) -> None:
        if self._residents_wanted:
            for r in Resident.objects.filter(pk__in=self._residents_wanted).only("name", "user_id"):
                self.residents[r.pk] = r
        if self._users_wanted:
            users = User.objects.filter(pk__in=self._users_wanted).select_related("resident")
            for u in users.only("display_name", "mobile", "resident__name"):
                resident = getattr(u, "resident", None)
                self.name_of_user[u.pk] = str(resident.name) if resident is not None else str(u)
        self._residents_wanted, self._users_wanted = set(), set()

    def attach(self, rows: Sequence[Any], *, resident: str, actor: str) -> None:
        """Each row's resident (the field's cache, so no query) and `by_name`: who made it for the resident when
        that was someone else (as `linli.people.selectors.acted_by`), else None; `by_for`: "by X for Y" as the
        template tag `by_for_name` writes it, or ""."""
        for row in rows:
            resident_id, actor_id = getattr(row, f"{resident}_id"), getattr(row, f"{actor}_id")
            whom = self.residents.get(resident_id) if resident_id is not None else None
            if whom is not None:
                setattr(row, resident, whom)
            made_for_self = actor_id is None or whom is None or actor_id == whom.user_id
            row.by_name = None if made_for_self else self.name_of_user.get(actor_id)
            row.by_for = self._by_for(row.by_name, whom) if row.by_name and whom is not None else ""

    def _by_for(self, name: str, whom: Resident) -> str:
        """`by_for_name`'s words, written once per maker and resident of the page."""
        key = (name, whom.pk)
        if key not in self._by_for_words:
            self._by_for_words[key] = by_for_name(name, whom)
        return self._by_for_words[key]


def status_labels(rows: Sequence[Any], choices: Any, field: str = "status") -> None:
    """Each row's `<field>_label`, each label translated once per list rather than once per row."""
    labels = {value: str(label) for value, label in choices}
    for row in rows:
        setattr(row, f"{field}_label", labels.get(getattr(row, field), getattr(row, field)))


def day_labels(
    rows: Sequence[Any], day_of: Callable[[Any], dt.date], *, with_time: bool, field: str = "day_label"
) -> None:
    """Each row's `<field>`: its day as the template filter `date:"m-d D"` writes it (`"m-d D H:i"` `with_time`, a
    moment in the current time zone), the weekday names translated once per list rather than once per row."""
    weekdays = [str(WEEKDAYS_ABBR[number]) for number in range(7)]
    for row in rows:
        day = day_of(row)
        if isinstance(day, dt.datetime) and timezone.is_aware(day):
            day = timezone.localtime(day)
        label = f"{day:%m-%d} {weekdays[day.weekday()]}"
        setattr(row, field, f"{label} {day:%H:%M}" if with_time else label)
