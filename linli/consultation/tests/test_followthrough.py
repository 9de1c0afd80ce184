"""Meetings, minutes, decisions, tasks, overdue flags and ratings; followers told at every step."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.consultation import selectors, services
from linli.consultation.models import Matter, Meeting, Registration, Task
from linli.core.errors import Conflict, DomainError
from linli.notifications.models import Notification

from .factories import resident_user

pytestmark = pytest.mark.django_db
LAMP_DECISION: dict[str, Any] = {
    "text": "物业一周内更换灯具。",
    "responsible_party": "property",
    "responsible_name": "物业",
}


def _meeting(community: Any, staff: Any, *, capacity: int = 10, matters: Any = (), hours: float = 24) -> Meeting:
    return services.meeting_create(
        actor=staff,
        community=community,
        title="五月民情圆桌会",
        mode="hybrid",
        place="居民会客厅",
        online_url="https://meet.example.org/r/1",
        starts_at=timezone.now() + dt.timedelta(hours=hours),
        capacity=capacity,
        parties=["community", "property", "owners", "representatives"],
        matters=matters,
    )


def test_registration_capacity(community: Any, staff: Any) -> None:
    meeting = _meeting(community, staff, capacity=2)
    a, b, c = (resident_user(community) for _ in range(3))
    services.meeting_register(actor=a, meeting=meeting)
    services.meeting_register(actor=b, meeting=meeting)
    with pytest.raises(Conflict, match="full"):
        services.meeting_register(actor=c, meeting=meeting)
    services.meeting_unregister(actor=a, meeting=meeting)
    services.meeting_register(actor=c, meeting=meeting)
    with pytest.raises(Conflict, match="already registered"):
        services.meeting_register(actor=c, meeting=meeting)
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 2


def test_minutes_for_a_meeting_not_yet_held_refused(community: Any, staff: Any) -> None:
    meeting = _meeting(community, staff)
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict, match="only after the meeting has been held"):
        services.meeting_record_minutes(
            actor=staff, meeting=meeting, minutes="会议讨论了楼道灯问题，物业承诺一周内修复。"
        )
    meeting.refresh_from_db()
    assert meeting.minutes == "" and meeting.minutes_at is None and AuditEntry.objects.count() == audits


def test_meeting_cannot_be_held_before_it_starts(community: Any, staff: Any) -> None:
    meeting = _meeting(community, staff, hours=48)
    with pytest.raises(Conflict, match="once it has started"):
        services.meeting_hold(actor=staff, meeting=meeting, attendee_ids=[])
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_whole_chain_with_notifications(
    community: Any,
    staff: Any,
    alice: Any,
    bob: Any,
    users: dict[str, Any],
    earned: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        matter = services.matter_raise(
            actor=alice, community=community, kind="hard", title="东门停车难", body="东门外晚上乱停车，消防通道被堵。"
        )
        services.matter_support(actor=bob, matter=matter)
        meeting = _meeting(community, staff, matters=[matter])
        services.meeting_register(actor=bob, meeting=meeting)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.AGENDA
    later = meeting.starts_at + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_hold(
            actor=staff, meeting=meeting, attendee_ids=[bob.resident.pk, alice.resident.pk], now=later
        )
        services.meeting_record_minutes(
            actor=staff, meeting=meeting, minutes="物业、业委会与居民代表讨论东门停车问题，同意划线。", now=later
        )
        decision = services.decision_record(
            actor=staff,
            matter=matter,
            meeting=meeting,
            text="物业在东门划定停车位并安装限行杆。",
            responsible_party="property",
            responsible_name="物业王经理",
            due_date=timezone.localdate() + dt.timedelta(days=30),
        )
        task = services.task_create(
            actor=staff,
            decision=decision,
            title="划线并安装限行杆",
            owner_party="property",
            owner_name="物业王经理",
            owner=users["operator"],
            due_date=timezone.localdate() + dt.timedelta(days=20),
        )
        services.task_post_update(actor=users["operator"], task=task, text="已完成划线", progress=50)
        services.task_post_update(actor=users["operator"], task=task, text="限行杆已安装", progress=100)
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DONE
    assert selectors.matter_chain(matter=matter)["events"][0]["kind"] == "raised"
    kinds = {e["kind"] for e in selectors.matter_chain(matter=matter)["events"]}
    assert {"raised", "agenda", "meeting", "decision", "update", "done"} <= kinds
    for follower in (alice, bob):
        titles = list(Notification.objects.filter(user=follower).values_list("title", flat=True))
        assert any("东门停车难" in t for t in titles)
        assert len(titles) >= 5  # agenda, meeting, discussed, decided, work starts, progress, done
    assert sorted(c["rule_code"] for c in earned) == [
        "consultation_participation",
        "consultation_participation",
        "consultation_support",
    ]
    rating = services.matter_rate(actor=bob, matter=matter, score=5, comment="很满意")
    assert rating.score == 5
    with pytest.raises(Conflict, match="already rated"):
        services.matter_rate(actor=bob, matter=matter, score=1)


def test_rating_before_done_refused(community: Any, alice: Any, bob: Any) -> None:
    matter = services.matter_raise(
        actor=alice, community=community, kind="major", title="改造中心花园", body="征求大家对中心花园改造方案的意见。"
    )
    with pytest.raises(Conflict, match="rated once"):
        services.matter_rate(actor=bob, matter=matter, score=4)


def test_decision_needs_agenda_and_held_meeting(community: Any, staff: Any, matter: Any) -> None:
    args = {**LAMP_DECISION, "due_date": timezone.localdate() + dt.timedelta(days=5)}
    with pytest.raises(Conflict, match="on the agenda"):
        services.decision_record(actor=staff, matter=matter, **args)
    meeting = _meeting(community, staff, matters=[matter])
    with pytest.raises(Conflict, match="after it has been held"):
        services.decision_record(actor=staff, matter=matter, meeting=meeting, **args)
    with pytest.raises(DomainError, match="past"):
        services.decision_record(
            actor=staff, matter=matter, **{**args, "due_date": timezone.localdate() - dt.timedelta(days=1)}
        )
    assert not matter.decisions.exists()


def _lamp_task(staff: Any, matter: Any, *, due: dt.date, owner: Any = None, owner_name: str = "物业") -> Task:
    """The matter on the agenda, the property's decision to replace the lamps, and its task due on `due`."""
    services.matter_put_on_agenda(actor=staff, matter=matter)
    decision = services.decision_record(actor=staff, matter=matter, due_date=due, **LAMP_DECISION)
    return services.task_create(
        actor=staff,
        decision=decision,
        title="更换灯具",
        owner_party="property",
        owner_name=owner_name,
        owner=owner,
        due_date=due,
    )


def test_overdue_task_flagged_once_and_notified(
    community: Any, staff: Any, matter: Any, alice: Any, users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    task = _lamp_task(
        staff, matter, due=timezone.localdate() + dt.timedelta(days=7), owner=users["operator"], owner_name="物业李师傅"
    )
    later = timezone.now() + dt.timedelta(days=9)
    assert services.tasks_flag_overdue(now=timezone.now()) == []
    with django_capture_on_commit_callbacks(execute=True):
        flagged = services.tasks_flag_overdue(now=later)
    assert [t.pk for t in flagged] == [task.pk]
    task.refresh_from_db()
    assert task.overdue_flagged_at is not None and task.is_overdue(timezone.localdate(later))
    for who in (users["operator"], staff, users["community_admin"], alice):
        assert (
            Notification.objects.filter(user=who, title__contains="更换灯具").exists()
            or Notification.objects.filter(user=who, body__contains="更换灯具").exists()
        ), who
    assert services.tasks_flag_overdue(now=later) == []  # once only
    assert AuditEntry.objects.filter(action="consultation.task_overdue").count() == 1


def test_overdue_task_via_periodic_job(community: Any, staff: Any, matter: Any) -> None:
    from linli.consultation.tasks import flag_overdue_tasks
    from linli.core.schedule import PERIODIC_TASKS

    assert ("linli.consultation.tasks.flag_overdue_tasks", 3600) in PERIODIC_TASKS
    task = _lamp_task(staff, matter, due=timezone.localdate())
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    flag_overdue_tasks.enqueue()
    task.refresh_from_db()
    assert task.overdue_flagged_at is not None


def test_task_update_by_stranger_refused(community: Any, staff: Any, matter: Any, bob: Any) -> None:
    from linli.core.errors import NotAllowed

    task = _lamp_task(staff, matter, due=timezone.localdate())
    with pytest.raises(NotAllowed):
        services.task_post_update(actor=bob, task=task, text="我来更新", progress=100)
    task.refresh_from_db()
    assert task.progress == 0 and task.status == "open"
