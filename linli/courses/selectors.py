"""Reading courses: the school's offer for residents, enrolments, attendance sheets for staff."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.rules import can_view_community
from linli.accounts.types import Actor, account_of
from linli.core.errors import NotAllowed, NotFound
from linli.core.lookup import first_or_not_found
from linli.facilities.mine import status_labels
from linli.facilities.selectors import household_of
from linli.people.models import Resident
from linli.places.models import Community

from . import rules
from .models import Audience, Course, Enrolment, Session, Term


def courses_for(
    *, user: Actor, community: Community, audience: str = "", current_only: bool = True
) -> QuerySet[Course]:
    if not can_view_community(user, community):
        raise NotFound(_("No community has the code “%(code)s”.") % {"code": community.code}, code="unknown_community")
    qs = (
        Course.objects.filter(Q(community=community) | Q(shared_with=community))
        .select_related("term", "facility", "community")
        .distinct()
    )
    if not rules.can_join_staff_training(user, community):
        qs = qs.exclude(audience=Audience.STAFF)
    if audience:
        qs = qs.filter(audience=audience)
    if current_only:
        qs = qs.filter(term__ends_on__gte=timezone.localdate())
    return qs.order_by("audience", "title")


def course_get(*, user: Actor, community: Community, pk: int) -> Course:
    return first_or_not_found(
        courses_for(user=user, community=community, current_only=False).filter(pk=pk), _("No such course.")
    )


def enrolments_of_user(*, user: Actor, members: list[Resident] | None = None) -> QuerySet[Enrolment]:
    """Enrolments of the user's household and the elders they help (`members`: that list, if the caller has it),
    and the user's own as staff."""
    ids = [r.pk for r in (household_of(user=user) if members is None else members)]
    return (
        Enrolment.objects.filter(Q(resident_id__in=ids) | Q(staff=user) if user.is_authenticated else Q(pk=None))
        .select_related("course__facility", "resident", "course__term", "enrolled_by__resident", "community")
        .order_by("-created_at")
    )


def enrolments_listed(*, user: Actor, members: list[Resident], limit: int) -> list[Enrolment]:
    """The first `limit` of `enrolments_of_user`, reading only what "my bookings" shows of them (the learner and
    who enrolled them are set from `members` by the page; a staff learner is the user)."""
    rows = list(
        enrolments_of_user(user=user, members=members)
        .select_related(None)
        .select_related("course", "community")
        .only(
            "status",
            "price_fen",
            "pay_by",
            "resident_id",
            "staff_id",
            "enrolled_by_id",
            "community__code",
            "course__title",
            "course__schedule",
        )[:limit]
    )
    status_labels(rows, Enrolment.Status.choices)
    for row in rows:
        if row.resident_id is None and row.staff_id == user.pk:
            row.staff = account_of(user)
    return rows


def courses_enrolled_in(*, user: Actor) -> set[int]:
    """Ids of the courses the user's household (or the user as staff) is enrolled in now."""
    return set(enrolments_of_user(user=user).filter(status__in=Enrolment.ACTIVE).values_list("course_id", flat=True))


def enrolment_get(*, user: Actor, community: Community, pk: int) -> Enrolment:
    mine = enrolments_of_user(user=user).filter(pk=pk).first()
    if mine is not None:
        return mine
    if rules.can_take_attendance(user, community):
        found = Enrolment.objects.filter(pk=pk, community=community).first()
        if found is not None:
            return found
    raise NotFound(_("No such enrolment."))


def sessions_of_day(*, user: Actor, community: Community, day: dt.date) -> QuerySet[Session]:
    if not rules.can_take_attendance(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return (
        Session.objects.filter(
            course__community=community,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
            cancelled_at__isnull=True,
        )
        .select_related("course__facility")
        .prefetch_related(
            Prefetch(
                "course__enrolments",
                queryset=Enrolment.objects.filter(status=Enrolment.Status.ENROLLED).select_related("resident", "staff"),
                to_attr="roster",
            ),
            Prefetch(
                "course__enrolments",
                queryset=Enrolment.objects.filter(status=Enrolment.Status.UNPAID).select_related("resident"),
                to_attr="unpaid",
            ),
            "attendance",
        )
        .order_by("starts_at")
    )


def session_get(*, user: Actor, community: Community, pk: int) -> Session:
    if not rules.can_take_attendance(user, community):
        raise NotAllowed(_("Only front-desk staff see day sheets."))
    return first_or_not_found(
        Session.objects.filter(pk=pk, course__community=community).select_related("course"), _("No such session.")
    )


# --- the school's set-up pages (课程设置) ---------------------------------------------------------------------


def _require_manager(user: Actor, community: Community) -> None:
    if not rules.can_manage_courses(user, community):
        raise NotAllowed(_("You may not manage this community's courses."))


def terms_of(*, user: Actor, community: Community) -> QuerySet[Term]:
    _require_manager(user, community)
    return Term.objects.filter(community=community).order_by("-starts_on")


def term_get(*, user: Actor, community: Community, pk: int) -> Term:
    return first_or_not_found(terms_of(user=user, community=community).filter(pk=pk), _("No such term."))


def courses_to_manage(*, user: Actor, community: Community, term: Term | None = None) -> QuerySet[Course]:
    """The community's own courses, every term, with the communities each is open to."""
    _require_manager(user, community)
    qs = Course.objects.filter(community=community).select_related("term", "facility").prefetch_related("shared_with")
    if term is not None:
        qs = qs.filter(term=term)
    return qs.order_by("-term__starts_on", "audience", "title")


def course_to_manage(*, user: Actor, community: Community, pk: int) -> Course:
    return first_or_not_found(courses_to_manage(user=user, community=community).filter(pk=pk), _("No such course."))


def course_to_share(*, user: Actor, community: Community, pk: int) -> Course:
    """A course of this community, for its admin or its street admin to open to the street."""
    if not rules.can_share_course(user, community):
        raise NotAllowed(_("Only the community admin or the street admin opens a course to other communities."))
    return first_or_not_found(
        Course.objects.filter(community=community, pk=pk).prefetch_related("shared_with"), _("No such course.")
    )


def sessions_of_course(*, course: Course) -> QuerySet[Session]:
    return Session.objects.filter(course=course).order_by("starts_at")


def session_to_manage(*, user: Actor, community: Community, pk: int) -> Session:
    _require_manager(user, community)
    return first_or_not_found(
        Session.objects.filter(pk=pk, course__community=community).select_related("course__community"),
        _("No such session."),
    )


def learners_count(*, course: Course) -> int:
    """People enrolled or waiting: those a change of time or place concerns."""
    return Enrolment.objects.filter(course=course, status__in=Enrolment.ACTIVE).count()


def street_neighbours(*, community: Community) -> QuerySet[Community]:
    """The other communities of the community's street: those a course may be opened to."""
    return Community.objects.filter(street_id=community.street_id).exclude(pk=community.pk).order_by("name")


def communities_by_code(*, codes: list[str]) -> QuerySet[Community]:
    return Community.objects.filter(code__in=codes).select_related("street")
