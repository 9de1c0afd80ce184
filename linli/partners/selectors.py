"""Reads for partners, scoped to what the user may see. Contact numbers leave here masked unless the reader is
the community's staff."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.counting import count_by
from linli.core.errors import NotFound
from linli.core.lookup import first_or_not_found
from linli.core.masking import mask_mobile
from linli.places.models import Community, Street

from . import rules
from .models import Contribution, Pairing, Partner, PartnerKind, Project


def _visible(user: Actor, community: Community) -> None:
    if not rules.can_view_partners(user, community):
        raise NotFound(_("No such community."))


def contact_mobile(*, user: Actor, partner: Partner) -> str:
    """The partner's contact number as this user may see it: in full for the community's staff, else masked."""
    if not partner.contact_mobile or rules.can_see_contacts(user, partner.community):
        return partner.contact_mobile
    return mask_mobile(partner.contact_mobile)


def partners_of(
    *,
    user: Actor,
    community: Community,
    kind: str = "",
    active: bool | None = True,
    q: str = "",
    entity: str = "",
    unpaired: bool = False,
    with_members: bool = False,
) -> QuerySet[Partner]:
    """`active` None lists every partner, active or not; `unpaired` leaves out those in a current pairing;
    `with_members` fetches the accounts acting for each (for the API's list)."""
    _visible(user, community)
    qs = Partner.objects.filter(community=community)
    if active is not None:
        qs = qs.filter(active=active)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    if entity:
        qs = qs.filter(entity=entity)
    if unpaired:
        qs = qs.exclude(pk__in=pairings_of(community=community).values("partner"))
    if with_members:
        qs = qs.select_related("community").prefetch_related("members")
    return qs.annotate(projects=Count("led_projects", distinct=True)).order_by("name")


def members_of(*, user: Actor, partner: Partner) -> QuerySet[User]:
    """The accounts acting for a partner."""
    _visible(user, partner.community)
    return partner.members.order_by("display_name", "mobile")


def project_partner_choices(*, user: Actor, project: Project) -> QuerySet[Partner]:
    """Partners a project may name as co-partners: the active ones, and any it already names."""
    return partners_of(user=user, community=project.community, active=None).filter(
        Q(active=True) | Q(pk__in=project.co_partners.all())
    )


def project_contributors(*, user: Actor, project: Project) -> QuerySet[Partner]:
    """Partners who may contribute to a project: its lead and its co-partners."""
    return partners_of(user=user, community=project.community, active=None).filter(
        Q(pk=project.lead_id) | Q(pk__in=project.co_partners.all())
    )


def kind_counts(*, user: Actor, community: Community) -> list[tuple[str, str, int]]:
    """Active partners per kind of partnership: (value, label, count), every kind listed."""
    _visible(user, community)
    counts = count_by(Partner.objects.filter(community=community, active=True), "kind")
    return [(value, str(label), counts.get(value, 0)) for value, label in PartnerKind.choices]


def partner_get(*, user: Actor, community: Community, pk: int) -> Partner:
    _visible(user, community)
    return first_or_not_found(
        Partner.objects.filter(community=community, pk=pk).select_related("resident"),
        _("No such partner in this community."),
    )


def projects_of(
    *,
    user: Actor,
    community: Community,
    scenario: str = "",
    status: str = "",
    partner: Partner | None = None,
    with_co_partners: bool = False,
) -> QuerySet[Project]:
    _visible(user, community)
    qs = Project.objects.filter(community=community)
    if with_co_partners:
        qs = qs.prefetch_related("co_partners")
    if scenario:
        qs = qs.filter(scenario=scenario)
    if status:
        qs = qs.filter(status=status)
    if partner is not None:
        qs = qs.filter(pk__in=Project.objects.filter(Q(lead=partner) | Q(co_partners=partner)).values("pk"))
    return (
        qs.select_related("lead")
        .annotate(
            money_fen=Sum("contributions__value_fen", filter=Q(contributions__kind=Contribution.Kind.MONEY)),
            contributions_n=Count("contributions"),
        )
        .order_by("-starts_on", "pk")
    )


def project_get(*, user: Actor, community: Community, pk: int) -> Project:
    _visible(user, community)
    project = (
        Project.objects.filter(community=community, pk=pk)
        .select_related("lead")
        .prefetch_related("co_partners")
        .first()
    )
    if project is None:
        raise NotFound(_("No such partnership project in this community."))
    return project


def contributions_of(*, project: Project) -> QuerySet[Contribution]:
    return Contribution.objects.filter(project=project).select_related("partner").order_by("pk")


def contribution_get(*, project: Project, pk: int) -> Contribution:
    """A contribution of a project already read through `project_get` (so visible to the user)."""
    return first_or_not_found(
        Contribution.objects.filter(project=project, pk=pk).select_related("project__community"),
        _("No such contribution to this project."),
    )


def pairings_of(*, community: Community, current: bool = True, partner: Partner | None = None) -> QuerySet[Pairing]:
    qs = Pairing.objects.filter(community=community).select_related("partner")
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.filter(until__isnull=True) if current else qs


def pairing_get(*, user: Actor, community: Community, pk: int) -> Pairing:
    _visible(user, community)
    return first_or_not_found(
        Pairing.objects.filter(community=community, pk=pk).select_related("partner"),
        _("No such pairing in this community."),
    )


@dataclass(frozen=True)
class KindTotal:
    """Pledged and delivered contributions of one kind (withdrawn pledges left out), and what was delivered."""

    kind: str
    label: str
    count: int
    value_fen: int
    quantity: int
    delivered_fen: int = 0
    delivered_quantity: int = 0


_DELIVERED = Q(status=Contribution.Status.DELIVERED)
_TOTALS = {
    "n": Count("pk"),
    "v": Sum("value_fen"),
    "q": Sum("quantity"),
    "dv": Sum("value_fen", filter=_DELIVERED),
    "dq": Sum("quantity", filter=_DELIVERED),
}


def _kind_totals(rows: dict[str, dict[str, Any]]) -> list[KindTotal]:
    return [
        KindTotal(
            kind=value,
            label=str(label),
            count=rows.get(value, {}).get("n") or 0,
            value_fen=rows.get(value, {}).get("v") or 0,
            quantity=rows.get(value, {}).get("q") or 0,
            delivered_fen=rows.get(value, {}).get("dv") or 0,
            delivered_quantity=rows.get(value, {}).get("dq") or 0,
        )
        for value, label in Contribution.Kind.choices
    ]


def totals_by_kind(contributions: QuerySet[Contribution]) -> list[KindTotal]:
    """Contributions summed per kind (every kind listed, zeros included), in the model's order."""
    grouped = contributions.exclude(status=Contribution.Status.WITHDRAWN).order_by().values("kind").annotate(**_TOTALS)
    return _kind_totals({r["kind"]: r for r in grouped})


def contributions_by_partner(*, partner: Partner) -> list[KindTotal]:
    return totals_by_kind(Contribution.objects.filter(partner=partner))


# --- the street's view ---------------------------------------------------------------------------------


def street_get(*, user: Actor, code: str) -> Street:
    street = Street.objects.filter(code=code).first()
    if street is None or not rules.can_view_street_partners(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": code})
    return street


@dataclass(frozen=True)
class CommunityPartners:
    community: Community
    partners: int
    pairings: int
    projects: int
    projects_done: int
    beneficiaries: int
    by_kind: list[KindTotal] = field(default_factory=list)


def street_overview(*, user: Actor, street: Street) -> list[CommunityPartners]:
    """Each community of the street: active partners, current pairings, projects, people served, contributions
    by kind. A handful of grouped queries whatever the number of communities."""
    if not rules.can_view_street_partners(user, street):
        raise NotFound(_("No street has the code “%(code)s”.") % {"code": street.code})
    communities = list(Community.objects.filter(street=street).order_by("code"))
    ids = [c.pk for c in communities]
    partners = count_by(Partner.objects.filter(community__in=ids, active=True), "community")
    pairings = count_by(Pairing.objects.filter(community__in=ids, until__isnull=True), "community")
    projects = {
        r["community"]: r
        for r in Project.objects.filter(community__in=ids)
        .order_by()
        .values("community")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=Project.Status.DONE)),
            served=Sum("beneficiaries", filter=Q(status=Project.Status.DONE)),
        )
    }
    by_kind: dict[int, dict[str, dict[str, Any]]] = {}
    for r in (
        Contribution.objects.filter(project__community__in=ids)
        .exclude(status=Contribution.Status.WITHDRAWN)
        .order_by()
        .values("project__community", "kind")
        .annotate(**_TOTALS)
    ):
        by_kind.setdefault(r["project__community"], {})[r["kind"]] = r
    return [
        CommunityPartners(
            community=c,
            partners=partners.get(c.pk, 0),
            pairings=pairings.get(c.pk, 0),
            projects=projects.get(c.pk, {}).get("n") or 0,
            projects_done=projects.get(c.pk, {}).get("done") or 0,
            beneficiaries=projects.get(c.pk, {}).get("served") or 0,
            by_kind=_kind_totals(by_kind.get(c.pk, {})),
        )
        for c in communities
    ]


def street_totals(rows: list[CommunityPartners]) -> list[KindTotal]:
    totals: list[KindTotal] = []
    for index, (value, label) in enumerate(Contribution.Kind.choices):
        kinds = [r.by_kind[index] for r in rows]
        totals.append(
            KindTotal(
                kind=value,
                label=str(label),
                count=sum(k.count for k in kinds),
                value_fen=sum(k.value_fen for k in kinds),
                quantity=sum(k.quantity for k in kinds),
                delivered_fen=sum(k.delivered_fen for k in kinds),
                delivered_quantity=sum(k.delivered_quantity for k in kinds),
            )
        )
    return totals


# --- resolving people for the forms --------------------------------------------------------------------


def residents_by_mobile(*, user: Actor, community: Community, mobile: str) -> list[Any]:
    """Residents of the community with this number, read through the people domain's own rule."""
    from linli.people.selectors import residents_for

    return list(residents_for(user=user, community=community).filter(mobile=mobile)[:20])


def accounts_by_mobile(mobiles: list[str]) -> list[Any]:
    from linli.accounts.models import User

    return list(User.objects.filter(mobile__in=mobiles, is_active=True)) if mobiles else []


def accounts_by_ids(ids: list[int]) -> list[Any]:
    from linli.accounts.models import User

    return list(User.objects.filter(pk__in=set(ids), is_active=True)) if ids else []
