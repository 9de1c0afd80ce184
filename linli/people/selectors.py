"""Reading residents: only community staff, only their own community; ID numbers stay masked."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.core.errors import NotAllowed, NotFound
from linli.places.models import Community

from .ages import born_on_or_before_for_age
from .models import RegisterImport, Resident


def residents_for(
    *,
    user: Any,
    community: Community,
    search: str = "",
    min_age: int | None = None,
    max_age: int | None = None,
    tag: str = "",
    day: dt.date | None = None,
) -> QuerySet[Resident]:
    if not rules.can_view_residents(user, community):
        raise NotAllowed(_("You may not see this community's residents."))
    qs = Resident.objects.filter(community=community).select_related("household__building")
    if search:
        qs = qs.filter(name__icontains=search)
    if day is None:
        from django.utils import timezone

        day = timezone.localdate()
    if rules.can_view_birth_date(user, community):
        if min_age is not None:
            qs = qs.filter(birth_date__lte=born_on_or_before_for_age(min_age, day))
        if max_age is not None:
            qs = qs.filter(birth_date__gt=born_on_or_before_for_age(max_age + 1, day))
    else:  # by calendar year, like the ages these users see: asked daily, exact ages would tell birthdays
        if min_age is not None:
            qs = qs.filter(birth_date__year__lte=day.year - min_age)
        if max_age is not None:
            qs = qs.filter(birth_date__year__gte=day.year - max_age)
    if tag:
        if not rules.can_view_sensitive_tags(user, community):
            raise NotAllowed(_("You may not filter by sensitive tags."))
        qs = qs.filter(tags__code=tag)
    return qs.prefetch_related("tags")


def resident_get(*, user: Any, community: Community, pk: int) -> Resident:
    resident = residents_for(user=user, community=community).filter(pk=pk).first()
    if resident is None:
        raise NotFound(_("No such resident in this community."))
    return resident


def resident_of_user(*, user: Any) -> Resident | None:
    if not user.is_authenticated:
        return None
    return Resident.objects.filter(user=user).select_related("community", "household__building").first()


def register_imports_for(*, user: Any, community: Community) -> QuerySet[RegisterImport]:
    """The register uploads of a community, for those who may import (they hold names and masked ID numbers)."""
    if not rules.can_edit_residents(user, community):
        raise NotAllowed(_("You may not import the register of this community."))
    return RegisterImport.objects.filter(community=community).select_related("uploaded_by")


def register_import_get(*, user: Any, pk: int, community: Community | None = None) -> RegisterImport:
    job = RegisterImport.objects.select_related("community").filter(pk=pk).first()
    if job is None or (community is not None and job.community_id != community.pk):
        raise NotFound(_("No such register import."))
    if not rules.can_edit_residents(user, job.community):
        raise NotAllowed(_("You may not import the register of this community."))
    return job
