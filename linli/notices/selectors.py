"""Reading notices, always through the acting user's rights: residents see what was sent to them and is live;
staff see their community's notices (and the street's notices that reach it); stewards see their grids' unread."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.types import Actor, account_of
from linli.core.errors import DomainError, NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.people.models import Resident, SensitiveTag
from linli.places.models import Building, Community, Grid, Neighbourhood, Street

from . import rules
from .models import Notice, NoticeAttachment, NoticeRecipient, SmsPreference
from .targeting import NoticeTargets


def _live(prefix: str = "") -> Q:
    now = timezone.now()
    return Q(**{f"{prefix}status": Notice.Status.PUBLISHED}) & (
        Q(**{f"{prefix}expires_at__isnull": True}) | Q(**{f"{prefix}expires_at__gt": now})
    )


# --- residents -----------------------------------------------------------------------------------------


def my_notices(*, user: Actor, unread: bool = False) -> QuerySet[NoticeRecipient]:
    """My live notices (or only the unread ones): pinned on top, then unread, then newest."""
    if not user.is_authenticated:
        return NoticeRecipient.objects.none()
    only = Q(read_at__isnull=True) if unread else Q()
    return (
        NoticeRecipient.objects.filter(_live("notice__"), only, resident__user=user)
        .select_related("notice__community", "notice__street")
        .order_by(
            "-notice__pinned",
            "-notice__urgent",
            F("read_at").asc(nulls_first=True),
            "-notice__published_at",
            "-notice_id",
        )
    )


def my_unread(*, user: Actor, limit: int = 5) -> list[NoticeRecipient]:
    """For the home page: my unread live notices, urgent and pinned first."""
    if not user.is_authenticated:
        return []
    return list(
        NoticeRecipient.objects.filter(_live("notice__"), resident__user=user, read_at__isnull=True)
        .select_related("notice__community", "notice__street")
        .order_by("-notice__urgent", "-notice__pinned", "-notice__published_at", "-notice_id")[:limit]
    )


def my_notice_get(*, user: Actor, pk: int) -> NoticeRecipient:
    return first_or_not_found(
        my_notices(user=user).filter(notice_id=pk).select_related("notice__community", "notice__street"),
        _("No such notice."),
    )


# --- staff ---------------------------------------------------------------------------------------------


def _with_counts(qs: QuerySet[Notice], community: Community | None = None) -> QuerySet[Notice]:
    scope = Q(recipients__community=community) if community is not None else Q()
    return qs.annotate(
        recipient_count=Count("recipients", filter=scope),
        read_count=Count("recipients", filter=scope & Q(recipients__read_at__isnull=False)),
    ).order_by(F("published_at").desc(nulls_first=True), "-pk")


def notices_of_community(*, user: Actor, community: Community) -> QuerySet[Notice]:
    """The community's own notices and the street's notices that reach it, with read counts among its residents."""
    if not rules.can_view_notices_of(user, community):
        raise NotAllowed(_("You may not see this community's notices."))
    reaches = Exists(NoticeRecipient.objects.filter(notice=OuterRef("pk"), community=community))
    street_draft = Q(community__isnull=True, street_id=community.street_id) & ~Q(status=Notice.Status.PUBLISHED)
    visible = Q(community=community) | Q(community__isnull=True, reaches_community=True)
    if rules.can_write_for_street(user, community.street):
        visible |= street_draft
    return _with_counts(Notice.objects.annotate(reaches_community=reaches).filter(visible), community).select_related(
        "community", "street", "created_by"
    )


def notices_of_street(*, user: Actor, street: Street) -> QuerySet[Notice]:
    if not rules.can_write_for_street(user, street):
        raise NotAllowed(_("You may not see this street's notices."))
    return _with_counts(Notice.objects.filter(street=street, community__isnull=True)).select_related(
        "street", "created_by"
    )


def notice_get(*, user: Actor, community: Community, pk: int) -> Notice:
    return first_or_not_found(notices_of_community(user=user, community=community).filter(pk=pk), _("No such notice."))


def street_notice_get(*, user: Actor, street: Street, pk: int) -> Notice:
    return first_or_not_found(notices_of_street(user=user, street=street).filter(pk=pk), _("No such notice."))


def read_report(*, user: Actor, notice: Notice, community: Community) -> QuerySet[NoticeRecipient]:
    """Every recipient in the community, unread first: who to reach."""
    if not rules.can_view_read_report(user, notice, community):
        raise NotAllowed(_("You may not see who has read this notice."))
    return (
        NoticeRecipient.objects.filter(notice=notice, community=community)
        .select_related("resident__household__building", "resident__user", "grid")
        .order_by(
            F("read_at").asc(nulls_first=True),
            "grid__code",
            "resident__household__building__name",
            "resident__household__unit",
            "pk",
        )
    )


def unread_in_my_grids(*, user: Actor, notice: Notice, community: Community) -> QuerySet[NoticeRecipient]:
    """For a steward: who in their own grids has not opened this notice (to phone or visit)."""
    grids = rules.stewarded_grids(user, community)
    if not grids:
        raise NotAllowed(_("Only the grid's steward sees who in the grid has not read."))
    return (
        NoticeRecipient.objects.filter(notice=notice, community=community, grid__in=grids, read_at__isnull=True)
        .select_related("resident__household__building", "resident__user", "grid")
        .order_by("grid__code", "resident__household__building__name", "resident__household__unit", "pk")
    )


def urgent_for_steward(*, user: Actor, community: Community) -> QuerySet[Notice]:
    """Live urgent notices with someone unread in the steward's grids, with that count."""
    grids = rules.stewarded_grids(user, community)
    if not grids:
        return Notice.objects.none()
    unread = Q(recipients__grid__in=grids, recipients__read_at__isnull=True, recipients__community=community)
    return (
        Notice.objects.filter(_live(), urgent=True)
        .annotate(unread_count=Count("recipients", filter=unread))
        .filter(unread_count__gt=0)
        .order_by("-published_at", "-pk")
    )


# --- lookups for the pages and the API --------------------------------------------------------------------


def street_for_writer(*, user: Actor, code: str) -> Street:
    """A street whose notices the user writes; any other code is "not found"."""
    street = Street.objects.filter(code=code).first()
    if street is None or not rules.can_write_for_street(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code})
    return street


def sms_preferred(*, resident: Resident | None) -> bool:
    return resident is not None and SmsPreference.objects.filter(resident=resident, by_sms=True).exists()


def attachment_for(*, user: Actor, notice_pk: int, file_id: int) -> NoticeAttachment:
    """An attachment the user may open: a live notice's recipient, its writers, the staff of a community it reaches."""
    item = NoticeAttachment.objects.filter(notice_id=notice_pk, pk=file_id).select_related("notice__community").first()
    if item is None or not _may_open_attachment(user, item.notice):
        raise NotFound(_("No such file."))
    return item


def _may_open_attachment(user: Actor, notice: Notice) -> bool:
    if notice.is_live() and NoticeRecipient.objects.filter(notice=notice, resident__user=account_of(user)).exists():
        return True
    if rules.can_write_notice(user, notice):
        return True
    communities = (
        [notice.community]
        if notice.community_id
        else list(Community.objects.filter(pk__in=notice.recipients.values("community")))
    )
    return any(c is not None and rules.can_view_notices_of(user, c) for c in communities)


def read_count(*, notice: Notice) -> int:
    return notice.recipients.filter(read_at__isnull=False).count()


def _rows(model: type[Model], ids: list[int], field: str) -> list[Any]:
    rows = list(model._default_manager.filter(pk__in=ids))
    if len(rows) != len(set(ids)):
        raise DomainError(_("Some of the chosen places do not exist."), field=field)
    return rows


def targets_lookup(
    *,
    communities: Sequence[str] = (),
    neighbourhood_ids: Sequence[int] = (),
    building_ids: Sequence[int] = (),
    grid_ids: Sequence[int] = (),
    age_tiers: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> NoticeTargets:
    """Targets from codes and ids (as the API takes them); an unknown one is refused, naming its field."""
    found = list(Community.objects.filter(code__in=communities))
    if len(found) != len(set(communities)):
        raise DomainError(_("Some of the chosen communities do not exist."), field="communities")
    tag_rows = list(SensitiveTag.objects.filter(code__in=tags))
    if len(tag_rows) != len(set(tags)):
        raise DomainError(_("Unknown sensitive tag."), field="tags")
    return NoticeTargets(
        communities=found,
        neighbourhoods=_rows(Neighbourhood, list(neighbourhood_ids), "neighbourhood_ids"),
        buildings=_rows(Building, list(building_ids), "building_ids"),
        grids=_rows(Grid, list(grid_ids), "grid_ids"),
        age_tiers=list(age_tiers),
        tags=tag_rows,
    )
