"""Writing consultation: one function per operation, each in one transaction with its audit row.

Followers (the raiser, the supporters, anyone who follows) are told of every step after the commit."""

from .common import settings_for
from .decisions import decision_record, task_create, task_post_update, tasks_flag_overdue
from .matters import (
    matter_answer,
    matter_follow,
    matter_lift_from_report,
    matter_put_on_agenda,
    matter_raise,
    matter_rate,
    matter_support,
    matter_support_withdraw,
    unknown_reporter,
)
from .meetings import (
    meeting_add_matter,
    meeting_cancel,
    meeting_create,
    meeting_hold,
    meeting_record_minutes,
    meeting_register,
    meeting_unregister,
)
from .settings import settings_update
from .votes import ballot_cast, vote_close, vote_create

__all__ = [
    "ballot_cast",
    "decision_record",
    "matter_answer",
    "matter_follow",
    "matter_lift_from_report",
    "matter_put_on_agenda",
    "matter_raise",
    "matter_rate",
    "matter_support",
    "matter_support_withdraw",
    "meeting_add_matter",
    "meeting_cancel",
    "meeting_create",
    "meeting_hold",
    "meeting_record_minutes",
    "meeting_register",
    "meeting_unregister",
    "settings_for",
    "settings_update",
    "task_create",
    "task_post_update",
    "tasks_flag_overdue",
    "unknown_reporter",
    "vote_close",
    "vote_create",
]
