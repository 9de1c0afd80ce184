"""Every read of mediation goes through here. A case outside the user's reach answers exactly like a case that
does not exist, so its existence is not revealed either."""

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import Agreement, Case, Mediator

Row = TypeVar("Row", Case, Mediator)


def cases_for(*, user: Actor, community: Community, q: str = "") -> QuerySet[Case]:
    """The cases this user is a party to or mediates. Search looks only inside them."""
    if not user.is_authenticated:
        return Case.objects.none()
    qs = (
        Case.objects.filter(community=community)
        .filter(Q(parties__resident__user=user) | Q(mediators__mediator__user=user, mediators__mediator__active=True))
        .distinct()
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return qs


def case_get(*, user: Actor, community: Community, pk: int) -> Case:
    return first_or_not_found(cases_for(user=user, community=community).filter(pk=pk), _("No such mediation case."))


def case_detail(*, case: Case) -> dict[str, Any]:
    """The full case, for someone `case_get` already admitted."""
    return {
        "parties": list(case.parties.select_related("resident__household__building")),
        "mediators": list(case.mediators.select_related("mediator__user")),
        "sessions": list(case.sessions.all()),
        "notes": list(case.notes.select_related("author")),
        "agreement": Agreement.objects.filter(case=case).first(),
        "follow_ups": list(case.follow_ups.select_related("author")),
    }


def case_metadata(*, user: Actor, community: Community) -> list[dict[str, Any]]:
    """For the community admin, who assigns mediators: no subject, summary, parties, notes or agreement."""
    if not rules.can_view_case_metadata(user, community):
        raise NotAllowed(_("Only the community admin may see the list of mediation cases."))
    rows = []
    for case in Case.objects.filter(community=community).prefetch_related("mediators__mediator__user"):
        rows.append(
            {
                "id": case.pk,
                "kind": case.kind,
                "kind_label": case.get_kind_display(),
                "status": case.status,
                "status_label": case.get_status_display(),
                "opened_at": case.opened_at,
                "closed_at": case.closed_at,
                "mediators": [str(cm.mediator.user) for cm in case.mediators.all()],
            }
        )
    return rows


def statistics(*, user: Actor, community: Community, since: dt.datetime | None = None) -> dict[str, Any]:
    """Aggregate counts only: by status, by kind, by month, and the share resolved."""
    if not rules.can_view_statistics(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code})
    qs = Case.objects.filter(community=community)
    if since is not None:
        qs = qs.filter(opened_at__gte=since)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_kind = dict(qs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    by_month = [
        (row["month"].strftime("%Y-%m"), row["n"])
        for row in qs.annotate(month=TruncMonth("opened_at")).values("month").annotate(n=Count("pk")).order_by("month")
    ]
    closed = qs.filter(status=Case.Status.CLOSED)
    resolved = closed.filter(resolved=True).count()
    return {
        "total": qs.count(),
        "by_status": {str(label): by_status.get(value, 0) for value, label in Case.Status.choices},
        "by_kind": {str(label): by_kind.get(value, 0) for value, label in Case._meta.get_field("kind").choices or []},
        "by_month": by_month,
        "closed": closed.count(),
        "resolved": resolved,
        "resolved_share": round(100 * resolved / closed.count()) if closed.count() else None,
    }


# --- for the forms on the case page and the admin's list ------------------------------------------------


def team_for(*, user: Actor, community: Community) -> QuerySet[Mediator]:
    """The community's active mediators, offered to the admin who assigns them (nobody else sees the team)."""
    if not rules.can_view_case_metadata(user, community):
        return Mediator.objects.none()
    return Mediator.objects.filter(community=community, active=True).select_related("user")


def _for_assignment(model: type[Row], *, user: Actor, community: Community, pk: int) -> Row:
    """One of the community's rows by number, for the admin who assigns mediators; anyone else finds nothing."""
    qs = model.objects.filter(community=community, pk=pk)
    return first_or_not_found(
        qs if rules.can_assign_mediator(user, community) else qs.none(), _("No such mediation case.")
    )


def mediator_get(*, user: Actor, community: Community, pk: int) -> Mediator:
    return _for_assignment(Mediator, user=user, community=community, pk=pk)


def case_for_assignment(*, user: Actor, community: Community, pk: int) -> Case:
    """A case by number for the admin, who assigns mediators without reading it."""
    return _for_assignment(Case, user=user, community=community, pk=pk)


def party_candidate(*, case: Case, pk: int) -> Resident | None:
    """A resident of the case's community, to add as a party. No acting user: `case_add_party` checks who may,
    and the case itself was read through `case_get`."""
    return Resident.objects.filter(community_id=case.community_id, pk=pk).first()


def team_candidate(*, mobile: str) -> User | None:
    """The account with this mobile number, to add to the mediation team. No acting user: `mediator_add` checks
    who may."""
    return User.objects.filter(mobile=mobile.strip()).first()
