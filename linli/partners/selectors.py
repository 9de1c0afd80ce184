"""Reads for partners, scoped to what the user may see."""

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.places.models import Community

from . import rules
from .models import Pairing, Partner, Project


def partners_of(*, user: Any, community: Community) -> QuerySet[Partner]:
    if not rules.can_view_partners(user, community):
        raise NotFound(_("No such community."))
    return Partner.objects.filter(community=community, active=True).annotate(
        projects=Count("led_projects", distinct=True)
    )


def projects_of(*, user: Any, community: Community) -> QuerySet[Project]:
    if not rules.can_view_partners(user, community):
        raise NotFound(_("No such community."))
    return (
        Project.objects.filter(community=community)
        .select_related("lead")
        .annotate(money_fen=Sum("contributions__value_fen"), contributions_n=Count("contributions"))
        .order_by("-starts_on", "pk")
    )


def pairings_of(*, community: Community) -> QuerySet[Pairing]:
    return Pairing.objects.filter(community=community, until__isnull=True).select_related("partner")
