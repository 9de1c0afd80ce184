"""Who hears of a report at each level, and telling them and the report's followers."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.accounts.rules import CASEWORK_ROLES
from linli.accounts.types import Actor
from linli.notifications.services import notify, notify_sms, told_no_one
from linli.places.models import Community

from ..models import Level, Report

S = Report.Status

# --- who gets it ----------------------------------------------------------------------------------------------------


def _community_caseworkers(community: Community) -> list[User]:
    ids = RoleAssignment.objects.filter(community=community, role__in=CASEWORK_ROLES).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _street_admins(community: Community) -> list[User]:
    ids = RoleAssignment.objects.filter(street_id=community.street_id, role=Role.STREET_ADMIN).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def level_recipients(report: Report, level: int) -> list[User]:
    if level == Level.STEWARD:
        steward = report.grid.steward if report.grid_id and report.grid else None
        return [steward] if steward is not None and steward.is_active else []
    if level == Level.COMMUNITY:
        return _community_caseworkers(report.community)
    return _street_admins(report.community)


# --- telling people --------------------------------------------------------------------------------------


def report_url(report: Report) -> str:
    return reverse("reports:detail", kwargs={"code": report.community.code, "pk": report.pk})


def _tell(user: User, report: Report, title: str, body: str, *, sms: bool = False) -> None:
    if told_no_one():
        return
    notify(user=user, title=title, body=body, url=report_url(report), community=report.community, sms=sms)


def _status_label(status: str) -> str:
    return str(S(status).label)


def _tell_followers(report: Report, *, note: str, actor: "Actor | None") -> None:
    """The reporter and every supporter hear of each public state change, in their own language."""
    if told_no_one():
        return
    followers = list(User.objects.filter(pk__in=report.supports.values("user_id")).order_by("pk"))
    if report.reporter_id and report.reporter is not None:
        followers.insert(0, report.reporter)
    for user in followers:
        if actor is not None and user.pk == getattr(actor, "pk", None):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("Report #%(id)s: %(status)s") % {"id": report.pk, "status": _status_label(report.status)}
            _tell(user, report, title, note, sms=user.pk == report.reporter_id)
    if report.guest_mobile:
        with translation.override(settings.LANGUAGE_CODE):
            text = _("Report #%(id)s: %(status)s") % {"id": report.pk, "status": _status_label(report.status)}
            notify_sms(mobile=report.guest_mobile, text=f"{text} {note}".strip())


def _tell_level(report: Report, level: int, title_text: str) -> None:
    if told_no_one():
        return
    for user in level_recipients(report, level):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            title = _("Report #%(id)s needs you: %(what)s") % {"id": report.pk, "what": report.category.name}
            _tell(user, report, title, title_text, sms=True)
