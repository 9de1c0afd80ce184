"""Writing mediation. Audit rows record who did what to which case number, never the private content."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from linli.accounts import rules as base
from linli.accounts.models import User
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import notify
from linli.people.erasure import ANONYMISED, Person
from linli.people.models import Resident
from linli.people.rules import resident_in
from linli.places.models import Community

from . import rules
from .models import Agreement, Case, CaseKind, CaseMediator, CaseParty, FollowUp, Mediator, Note, Session


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _audit(actor: Actor, action: str, case: Case, **after: Any) -> None:
    audit_record(
        actor=actor,
        action=f"mediation.{action}",
        object_type="mediation.case",
        object_id=str(case.pk),
        community=case.community,
        after={"status": case.status, **after},
    )


def _people(case: Case) -> list[Any]:
    users = [p.resident.user for p in case.parties.select_related("resident__user") if p.resident.user]
    users += [cm.mediator.user for cm in case.mediators.select_related("mediator__user")]
    return users


def _tell(users: Iterable[Any], case: Case, title: Any, *, exclude: Any = None) -> None:
    """Notifications carry the case number only, never its subject (they may show on a lock screen)."""
    url = reverse("mediation:case_detail", args=[case.community.code, case.pk])
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        with translation.override(user.language or django_settings.LANGUAGE_CODE):
            text = str(title) % {"n": case.pk}
        notify(user=user, title=text, url=url, community=case.community)


def _handling(actor: Actor, case: Case) -> Case:
    if not rules.can_handle_case(actor, case):
        raise NotFound(_("No such mediation case."))
    return Case.objects.select_for_update().select_related("community").get(pk=case.pk)


def _residents(community: Community, ids: Iterable[int]) -> list[Resident]:
    ids = sorted(set(ids))
    found = list(Resident.objects.filter(community=community, pk__in=ids))
    if len(found) != len(ids):
        raise NotFound(_("Some parties are not residents of this community."), field="parties")
    return found


def mediator_add(*, actor: Actor, community: Community, user: User, team: str = "柿宜解") -> Mediator:
    if not rules.can_manage_team(actor, community):
        raise NotAllowed(_("Only the community admin may change the mediation team."))
    if not base.can_view_community(user, community):
        raise DomainError(_("A mediator must belong to this community."), field="user")
    with transaction.atomic():
        mediator, _created = Mediator.objects.update_or_create(
            community=community, user=user, defaults={"team": team.strip() or "柿宜解", "active": True}
        )
        audit_record(actor=actor, action="mediation.mediator_add", instance=mediator, after={"user": user.pk})
    return mediator


def case_open(
    *,
    actor: Actor,
    community: Community,
    kind: str,
    title: str,
    summary: str,
    applicant_ids: Iterable[int] = (),
    respondent_ids: Iterable[int] = (),
    now: dt.datetime | None = None,
) -> Case:
    """Open a case. A resident who asks becomes its applicant; a mediator who opens it is assigned to it."""
    if not rules.can_open_case(actor, community):
        raise NotAllowed(_("You may not open a mediation case in this community."))
    if kind not in CaseKind.values:
        raise DomainError(_("Choose what kind of dispute this is."), field="kind")
    if len(title.strip()) < 4:
        raise DomainError(_("Give the case a subject of at least 4 characters."), field="title")
    if len(summary.strip()) < 10:
        raise DomainError(_("Describe what happened in at least 10 characters."), field="summary")
    applicants = _residents(community, applicant_ids)
    respondents = _residents(community, respondent_ids)
    own = resident_in(actor, community)
    mediator = rules.mediator_of(actor, community)
    staff = base.has_role(actor, community, *base.CASEWORK_ROLES)
    if own is not None and mediator is None and not staff:
        applicants = [own] + [a for a in applicants if a.pk != own.pk]
    if not applicants:
        raise DomainError(_("A case needs at least one applicant."), field="applicants")
    if {a.pk for a in applicants} & {r.pk for r in respondents}:
        raise DomainError(_("A person cannot be on both sides of a case."), field="respondents")
    with transaction.atomic():
        case = Case.objects.create(
            community=community,
            kind=kind,
            title=title.strip(),
            summary=summary.strip(),
            opened_by=account_of(actor),
            opened_at=_now(now),
        )
        CaseParty.objects.bulk_create(
            [CaseParty(case=case, resident=r, side=CaseParty.Side.APPLICANT) for r in applicants]
            + [CaseParty(case=case, resident=r, side=CaseParty.Side.RESPONDENT) for r in respondents]
        )
        if mediator is not None:
            CaseMediator.objects.create(case=case, mediator=mediator, assigned_at=case.opened_at)
        _audit(actor, "case_open", case, kind=kind, parties=len(applicants) + len(respondents))
        admins = [ra.user for ra in community.role_assignments.filter(role="community_admin").select_related("user")]
        if mediator is None:
            _tell(admins, case, gettext_lazy("Mediation case #%(n)s needs a mediator"))
        _tell(_people(case), case, gettext_lazy("Mediation case #%(n)s is open"), exclude=actor)
    return case


def case_assign_mediator(
    *, actor: Actor, case: Case, mediator: Mediator, now: dt.datetime | None = None
) -> CaseMediator:
    if not rules.can_assign_mediator(actor, case.community):
        raise NotAllowed(_("Only the community admin may assign mediators."))
    if mediator.community_id != case.community_id or not mediator.active:
        raise DomainError(_("Choose an active mediator of this community's team."), field="mediator")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("community").get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise Conflict(_("This case is closed."))
        if CaseMediator.objects.filter(case=case, mediator=mediator).exists():
            raise Conflict(_("This mediator is already assigned."))
        assigned = CaseMediator.objects.create(case=case, mediator=mediator, assigned_at=_now(now))
        _audit(actor, "mediator_assign", case, mediator=mediator.user_id)
        _tell([mediator.user], case, gettext_lazy("You mediate case #%(n)s"))
    return assigned


def case_add_party(*, actor: Actor, case: Case, resident: Resident, side: str) -> CaseParty:
    if side not in CaseParty.Side.values:
        raise DomainError(_("Choose the side."), field="side")
    with transaction.atomic():
        case = _handling(actor, case)
        if resident.community_id != case.community_id:
            raise NotFound(_("Some parties are not residents of this community."), field="parties")
        if CaseParty.objects.filter(case=case, resident=resident).exists():
            raise Conflict(_("This person is already a party."))
        party = CaseParty.objects.create(case=case, resident=resident, side=side)
        _audit(actor, "party_add", case, side=side)
        if resident.user:
            _tell([resident.user], case, gettext_lazy("You are a party to mediation case #%(n)s"))
    return party


def session_schedule(
    *, actor: Actor, case: Case, starts_at: dt.datetime, place: str, now: dt.datetime | None = None
) -> Session:
    with transaction.atomic():
        case = _handling(actor, case)
        if not case.can_take_sessions():
            raise Conflict(_("Sessions can be scheduled only while the case is being mediated."))
        if starts_at <= _now(now):
            raise DomainError(_("A session must be in the future."), field="starts_at")
        if not place.strip():
            raise DomainError(_("Say where the session takes place."), field="place")
        session = Session.objects.create(case=case, starts_at=starts_at, place=place.strip(), created_at=_now(now))
        if case.status == Case.Status.OPEN:
            case.status = Case.Status.MEDIATING
            case.save(update_fields=["status"])
        _audit(actor, "session_schedule", case)
        _tell(_people(case), case, gettext_lazy("A session for mediation case #%(n)s is scheduled"), exclude=actor)
    return session


def note_add(*, actor: Actor, case: Case, text: str, now: dt.datetime | None = None) -> Note:
    if not rules.can_add_note(actor, case):
        raise NotFound(_("No such mediation case."))
    if len(text.strip()) < 2:
        raise DomainError(pgettext("case record", "Write a note."), field="text")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("community").get(pk=case.pk)
        if case.status == Case.Status.CLOSED:
            raise Conflict(_("This case is closed."))
        note = Note.objects.create(case=case, author=account_of(actor), text=text.strip(), created_at=_now(now))
        _audit(actor, "note_add", case)
        _tell(_people(case), case, gettext_lazy("A new note on mediation case #%(n)s"), exclude=actor)
    return note


def agreement_record(
    *, actor: Actor, case: Case, text: str, follow_up_due: dt.date, now: dt.datetime | None = None
) -> Agreement:
    now = _now(now)
    if len(text.strip()) < 10:
        raise DomainError(_("Write the agreement in at least 10 characters."), field="text")
    with transaction.atomic():
        case = _handling(actor, case)
        if not case.can_reach_agreement():
            raise Conflict(_("An agreement can be recorded only while the case is being mediated."))
        if follow_up_due < timezone.localdate(now):
            raise DomainError(_("The follow-up date cannot be in the past."), field="follow_up_due")
        agreement = Agreement.objects.create(case=case, text=text.strip(), agreed_at=now, recorded_by=account_of(actor))
        case.status = Case.Status.AGREED
        case.follow_up_due = follow_up_due
        case.save(update_fields=["status", "follow_up_due"])
        _audit(actor, "agreement_record", case)
        _tell(_people(case), case, gettext_lazy("Mediation case #%(n)s: an agreement is recorded"), exclude=actor)
    return agreement


def follow_up_record(*, actor: Actor, case: Case, outcome: str, text: str, now: dt.datetime | None = None) -> FollowUp:
    """Check on an agreement. If it is not kept, mediation resumes."""
    if outcome not in FollowUp.Outcome.values:
        raise DomainError(_("Say whether the agreement is kept."), field="outcome")
    if len(text.strip()) < 4:
        raise DomainError(_("Describe the follow-up."), field="text")
    with transaction.atomic():
        case = _handling(actor, case)
        if not case.can_be_followed_up():
            raise Conflict(_("Follow-ups check an agreement; this case has none in force."))
        follow_up = FollowUp.objects.create(
            case=case, author=account_of(actor), outcome=outcome, text=text.strip(), created_at=_now(now)
        )
        if outcome == FollowUp.Outcome.BROKEN:
            case.status = Case.Status.MEDIATING
            case.save(update_fields=["status"])
        _audit(actor, "follow_up", case, outcome=outcome)
        _tell(_people(case), case, gettext_lazy("Mediation case #%(n)s: follow-up recorded"), exclude=actor)
    return follow_up


def case_close(*, actor: Actor, case: Case, resolved: bool, now: dt.datetime | None = None) -> Case:
    with transaction.atomic():
        case = _handling(actor, case)
        if not case.can_be_closed():
            raise Conflict(_("This case is already closed."))
        case.status = Case.Status.CLOSED
        case.resolved = resolved
        case.closed_at = _now(now)
        case.save(update_fields=["status", "resolved", "closed_at"])
        _audit(actor, "case_close", case, resolved=resolved)
        _tell(_people(case), case, gettext_lazy("Mediation case #%(n)s is closed"), exclude=actor)
    return case


def cases_anonymise_person(*, person: Person) -> int:
    """A party's deletion request carried out (PIPL): the cases stay, for the community's record and statistics;
    the party's name and mobile numbers are masked in the subject, the summary, the notes, the agreement and the
    follow-ups (the party row keeps pointing at the anonymised register record)."""
    count = 0
    # the cases' ids first: PostgreSQL locks no rows of a DISTINCT query
    ids = Case.objects.filter(parties__resident=person.resident).values_list("pk", flat=True).distinct()
    cases = Case.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")
    for case in cases:
        case.title = person.scrub(case.title, name_as=ANONYMISED)
        case.summary = person.scrub(case.summary, name_as=ANONYMISED)
        case.save(update_fields=["title", "summary"])
        for model in (Note, Agreement, FollowUp):
            for row in model.objects.filter(case=case):
                scrubbed = person.scrub(row.text, name_as=ANONYMISED)
                if scrubbed != row.text:
                    row.text = scrubbed
                    row.save(update_fields=["text"])
        count += 1
    return count
