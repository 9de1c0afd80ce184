from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts.rules import can_view_community
from linli.core.errors import NotAllowed, NotFound
from linli.facilities import rules
from linli.facilities.selectors import household_of
from linli.places.models import Community

from .models import AgeGroup, Application


def groups_for(*, user: Any, community: Community) -> QuerySet[AgeGroup]:
    if not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code}, code="unknown_community")
    return AgeGroup.objects.filter(community=community, facility__active=True).select_related("facility")


def group_get(*, user: Any, community: Community, pk: int) -> AgeGroup:
    group = groups_for(user=user, community=community).filter(pk=pk).first()
    if group is None:
        raise NotFound(_("No such childcare group."))
    return group


def applications_of_user(*, user: Any) -> QuerySet[Application]:
    members = [r.pk for r in household_of(user=user)]
    return Application.objects.filter(child_id__in=members).select_related(
        "group__facility", "child", "applied_by__resident"
    )


def applications_for_staff(*, user: Any, community: Community) -> QuerySet[Application]:
    if not rules.can_run_front_desk(user, community):
        raise NotAllowed(_("Only community staff decide on applications."))
    return Application.objects.filter(community=community).select_related("group__facility", "child__household")


def application_queue(*, user: Any, community: Community) -> QuerySet[Application]:
    """The staff's list: by status, then oldest first."""
    return applications_for_staff(user=user, community=community).order_by("status", "created_at")


def application_get(*, user: Any, community: Community, pk: int) -> Application:
    found = applications_for_staff(user=user, community=community).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such application."))
    return found
