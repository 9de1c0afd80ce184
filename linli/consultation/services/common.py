"""What every consultation write shares: telling followers and staff, the resident behind an account, the
community's settings."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.types import Actor
from linli.core.errors import NotAllowed
from linli.notifications.services import notify
from linli.people.models import Resident
from linli.people.rules import resident_in
from linli.places.models import Community

from ..models import ConsultationSettings, Follow, Matter


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _matter_url(matter: Matter) -> str:
    return reverse("consultation:matter_detail", args=[matter.community.code, matter.pk])


def _tell(users: Iterable[Any], matter: Matter, title: Any, body: Any = "", **params: Any) -> None:
    """Notify each user in their own language, after the commit."""
    url = _matter_url(matter)
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or django_settings.LANGUAGE_CODE):
            text_title = str(title) % {"title": matter.title, **params}
            text_body = str(body) % {"title": matter.title, **params} if body else ""
        notify(user=user, title=text_title, body=text_body, url=url, community=matter.community)


def _followers(matter: Matter) -> list[Any]:
    return [f.user for f in Follow.objects.filter(matter=matter).select_related("user")]


def _tell_followers(matter: Matter, title: Any, body: Any = "", **params: Any) -> None:
    _tell(_followers(matter), matter, title, body, **params)


def _follow(matter: Matter, user: User) -> None:
    Follow.objects.bulk_create([Follow(matter=matter, user=user)], ignore_conflicts=True)  # one statement


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _resident(actor: Actor, community: Community) -> Resident:
    resident = resident_in(actor, community)
    if resident is None:
        raise NotAllowed(_("Only residents of this community may do this."))
    return resident


def settings_for(community: Community) -> ConsultationSettings:
    found = ConsultationSettings.objects.filter(community=community).first()
    return found or ConsultationSettings(community=community)


def _casework_staff(community: Community) -> list[Any]:
    return [
        ra.user
        for ra in RoleAssignment.objects.filter(
            community=community, role__in=[Role.SOCIAL_WORKER, Role.COMMUNITY_ADMIN]
        ).select_related("user")
    ]
