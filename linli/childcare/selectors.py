from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.rules import can_view_community
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.facilities import rules
from linli.facilities.mine import status_labels
from linli.facilities.models import Facility
from linli.facilities.selectors import household_of
from linli.people.models import Resident
from linli.places.models import Community

from .models import AgeGroup, Application


def groups_for(*, user: Actor, community: Community) -> QuerySet[AgeGroup]:
    if not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code}, code="unknown_community")
    return AgeGroup.objects.filter(community=community, facility__active=True).select_related("facility")


def group_get(*, user: Actor, community: Community, pk: int) -> AgeGroup:
    return first_or_not_found(groups_for(user=user, community=community).filter(pk=pk), _("No such childcare group."))


def applications_of_user(*, user: Actor, members: list[Resident] | None = None) -> QuerySet[Application]:
    """Applications for the user's household and the elders they help (`members`: that list, if the caller has it)."""
    ids = [r.pk for r in (household_of(user=user) if members is None else members)]
    return Application.objects.filter(child_id__in=ids).select_related(
        "group__facility", "child", "applied_by__resident", "community"
    )


def applications_listed(*, user: Actor, members: list[Resident], limit: int) -> list[Application]:
    """The first `limit` of `applications_of_user`, reading only what "my bookings" shows of them (the child and
    who applied are set from `members` by the page)."""
    rows = list(
        Application.objects.filter(child_id__in=[r.pk for r in members])
        .select_related("group__facility", "community")
        .only(
            "status",
            "start_on",
            "reason",
            "child_id",
            "applied_by_id",
            "community__code",
            "group__name",
            "group__facility__name",
        )[:limit]
    )
    status_labels(rows, Application.Status.choices)
    return rows


def applications_of_user_here(*, user: Actor, community: Community, limit: int = 20) -> list[Application]:
    """The household's applications in this community, the latest first."""
    return list(applications_of_user(user=user).filter(community=community).order_by("-pk")[:limit])


def own_application_get(*, user: Actor, community: Community, pk: int) -> Application:
    """An application for a child of the user's household (or an elder's family), made in this community."""
    return first_or_not_found(
        applications_of_user(user=user).filter(pk=pk, community=community), _("No such application.")
    )


def applications_for_staff(*, user: Actor, community: Community) -> QuerySet[Application]:
    if not rules.can_run_front_desk(user, community):
        raise NotAllowed(_("Only community staff decide on applications."))
    return Application.objects.filter(community=community).select_related("group__facility", "child__household")


def application_queue(*, user: Actor, community: Community) -> QuerySet[Application]:
    """The staff's list: by status, then oldest first."""
    return applications_for_staff(user=user, community=community).order_by("status", "created_at")


def application_get(*, user: Actor, community: Community, pk: int) -> Application:
    return first_or_not_found(
        applications_for_staff(user=user, community=community).filter(pk=pk), _("No such application.")
    )


# --- set-up (register staff) -----------------------------------------------------------------------------------


def _register_staff(user: Actor, community: Community) -> None:
    if not rules.can_manage_register(user, community):
        raise NotAllowed(_("You may not change this community's services."))


def setup_groups(*, user: Actor, community: Community) -> QuerySet[AgeGroup]:
    """Every group of the community, closed ones and those of inactive facilities too."""
    _register_staff(user, community)
    return AgeGroup.objects.filter(community=community).select_related("facility").order_by("facility", "min_months")


def setup_group_get(*, user: Actor, community: Community, pk: int) -> AgeGroup:
    return first_or_not_found(setup_groups(user=user, community=community).filter(pk=pk), _("No such childcare group."))


def childcare_facilities(*, user: Actor, community: Community) -> QuerySet[Facility]:
    """The community's own childcare facilities, where a group can be."""
    _register_staff(user, community)
    return Facility.objects.filter(community=community, category__code="childcare", active=True).order_by("name")


def childcare_facility_get(*, user: Actor, community: Community, pk: int) -> Facility:
    return first_or_not_found(
        childcare_facilities(user=user, community=community).filter(pk=pk), _("No such childcare facility.")
    )
