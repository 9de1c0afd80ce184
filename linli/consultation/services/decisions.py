"""Decisions taken at a meeting and the tasks that carry them out, with their progress and overdue flags."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, save_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotFound

from .. import rules
from ..models import Decision, Matter, Meeting, Party, Task, TaskUpdate
from .common import _casework_staff, _now, _require, _tell, _tell_followers


def decision_record(
    *,
    actor: Actor,
    matter: Matter,
    text: str,
    responsible_party: str,
    responsible_name: str,
    due_date: dt.date,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> Decision:
    """Record what was decided on a matter, who is responsible and by when. With a meeting, the meeting must have
    been held with the matter on its agenda."""
    now = _now(now)
    community = matter.community
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may record decisions."))
    if len(text.strip()) < 10:
        raise DomainError(_("Write the decision in at least 10 characters."), field="text")
    if responsible_party not in Party.values:
        raise DomainError(_("Choose the party responsible."), field="responsible_party")
    if not responsible_name.strip():
        raise DomainError(_("Name the person responsible."), field="responsible_name")
    if due_date < timezone.localdate(now):
        raise DomainError(_("The due date cannot be in the past."), field="due_date")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=matter.pk)
        if not matter.can_be_decided():
            raise Conflict(_("A decision can be recorded only for a matter on the agenda."), code="not_on_agenda")
        if meeting is not None:
            if meeting.community_id != community.pk:
                raise NotFound(_("No such meeting in this community."))
            meeting = Meeting.objects.get(pk=meeting.pk)
            if meeting.status != Meeting.Status.HELD:
                raise Conflict(
                    _("Decisions of a meeting can be recorded only after it has been held."), code="meeting_not_held"
                )
            if not meeting.agenda.filter(matter=matter).exists():
                raise Conflict(_("This matter was not on the meeting's agenda."))
        before = snapshot(matter)
        decision = Decision.objects.create(
            community=community,
            matter=matter,
            meeting=meeting,
            text=text.strip(),
            responsible_party=responsible_party,
            responsible_name=responsible_name.strip(),
            due_date=due_date,
            created_by=account_of(actor),
            created_at=now,
        )
        if matter.status != Matter.Status.DECIDED:
            matter.status = Matter.Status.DECIDED
            matter.decided_at = now
            matter.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="consultation.decision_record", instance=decision, after=snapshot(decision))
        audit_record(
            actor=actor, action="consultation.matter_decided", instance=matter, before=before, after=snapshot(matter)
        )
        _tell_followers(
            matter,
            gettext_lazy("Decided: %(title)s"),
            gettext_lazy("%(text)s — responsible: %(who)s, by %(due)s."),
            text=decision.text[:200],
            who=f"{decision.get_responsible_party_display()} {decision.responsible_name}",
            due=decision.due_date.isoformat(),
        )
    return decision


def task_create(
    *,
    actor: Actor,
    decision: Decision,
    title: str,
    owner_party: str,
    owner_name: str,
    due_date: dt.date,
    owner: Any = None,
    now: dt.datetime | None = None,
) -> Task:
    now = _now(now)
    community = decision.community
    _require(rules.can_manage_consultation(actor, community), _("Only community staff may assign tasks."))
    if len(title.strip()) < 4:
        raise DomainError(_("Describe the task in at least 4 characters."), field="title")
    if owner_party not in Party.values:
        raise DomainError(_("Choose the party that owns the task."), field="owner_party")
    if not owner_name.strip():
        raise DomainError(_("Name who carries the task out."), field="owner_name")
    if due_date < timezone.localdate(now):
        raise DomainError(_("The due date cannot be in the past."), field="due_date")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=decision.matter_id)
        if matter.status not in (Matter.Status.DECIDED, Matter.Status.DONE):
            raise Conflict(_("Tasks follow from a decided matter."))
        task = create_audited(
            actor=actor,
            action="consultation.task_create",
            model=Task,
            community=community,
            decision=decision,
            title=title.strip(),
            owner=owner,
            owner_party=owner_party,
            owner_name=owner_name.strip(),
            due_date=due_date,
            created_at=now,
        )
        if matter.status == Matter.Status.DONE:  # new work re-opens the follow-through
            matter.status = Matter.Status.DECIDED
            matter.done_at = None
            matter.save(update_fields=["status", "done_at"])
        if owner is not None:
            _tell(
                [owner],
                matter,
                gettext_lazy("A task is yours: %(task)s"),
                gettext_lazy("Due by %(due)s."),
                task=task.title,
                due=due_date.isoformat(),
            )
        _tell_followers(
            matter,
            gettext_lazy("Work starts on “%(title)s”: %(task)s"),
            gettext_lazy("Due by %(due)s."),
            task=task.title,
            due=due_date.isoformat(),
        )
    return task


def task_post_update(
    *, actor: Actor, task: Task, text: str, progress: int, now: dt.datetime | None = None
) -> TaskUpdate:
    """A public progress update on a task; at 100 % the task is done, and with all tasks done, the matter."""
    now = _now(now)
    _require(rules.can_update_task(actor, task), _("Only the task's owner or community staff may update it."))
    text = text.strip()
    if len(text) < 4:
        raise DomainError(_("Say what was done in at least 4 characters."), field="text")
    if not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), field="progress")
    with transaction.atomic():
        matter = Matter.objects.select_for_update().select_related("community").get(pk=task.decision.matter_id)
        task = Task.objects.select_for_update().get(pk=task.pk)
        if not task.can_be_updated():
            raise Conflict(_("This task is already done."), code="task_done")
        before = snapshot(task)
        update = TaskUpdate.objects.create(
            task=task, author=account_of(actor), text=text, progress=progress, created_at=now
        )
        task.progress = progress
        fields = ["progress"]
        if progress == 100:
            task.status = Task.Status.DONE
            task.done_at = now
            fields += ["status", "done_at"]
        save_audited(actor=actor, action="consultation.task_update", instance=task, before=before, update_fields=fields)
        if progress == 100 and not Task.objects.filter(decision__matter=matter, status=Task.Status.OPEN).exists():
            matter.status = Matter.Status.DONE
            matter.done_at = now
            matter.save(update_fields=["status", "done_at"])
            audit_record(actor=actor, action="consultation.matter_done", instance=matter, after=snapshot(matter))
            _tell_followers(
                matter,
                gettext_lazy("Done: %(title)s"),
                gettext_lazy("All the work decided is finished. Please rate how it was settled."),
            )
        else:
            _tell_followers(
                matter,
                gettext_lazy("Progress on “%(title)s”: %(task)s at %(p)s%%"),
                text[:200],
                task=task.title,
                p=progress,
            )
    return update


def tasks_flag_overdue(*, now: dt.datetime | None = None) -> list[Task]:
    """Flag open tasks past their due date (once each) and tell their owner, the community's casework staff and
    the matter's followers. Run periodically by the scheduler."""
    now = _now(now)
    today = timezone.localdate(now)
    flagged: list[Task] = []
    with transaction.atomic():
        due = (
            Task.objects.select_for_update()
            .filter(status=Task.Status.OPEN, due_date__lt=today, overdue_flagged_at__isnull=True)
            .order_by("pk")
        )
        for task in due:
            task.overdue_flagged_at = now
            task.save(update_fields=["overdue_flagged_at"])
            flagged.append(task)
        for task in Task.objects.filter(pk__in=[t.pk for t in flagged]).select_related(
            "decision__matter__community", "owner", "community"
        ):
            matter = task.decision.matter
            audit_record(
                actor=None,
                action="consultation.task_overdue",
                instance=task,
                after={"due_date": task.due_date, "flagged_at": now},
            )
            people = [task.owner, *_casework_staff(task.community)]
            _tell(
                people,
                matter,
                gettext_lazy("Overdue task (督办): %(task)s"),
                gettext_lazy("“%(title)s” — due %(due)s, owner %(owner)s."),
                task=task.title,
                due=task.due_date.isoformat(),
                owner=task.owner_name,
            )
            _tell_followers(
                matter,
                gettext_lazy("A task on “%(title)s” is overdue"),
                gettext_lazy("%(task)s was due %(due)s. Staff have been reminded."),
                task=task.title,
                due=task.due_date.isoformat(),
            )
    return flagged
