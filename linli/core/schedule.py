"""Periodic jobs: each domain lists its tasks here with an interval; `linli scheduler` enqueues them when due.

The tasks themselves run in the task worker (django-tasks), like every other background job.
"""

PERIODIC_TASKS: list[tuple[str, int]] = [
    ("linli.cockpit.tasks.refresh_snapshots", 15 * 60),
    ("linli.consultation.tasks.flag_overdue_tasks", 3600),
    ("linli.ledger.tasks.points_expiry_daily", 6 * 3600),
    ("linli.reports.tasks.reports_tick", 300),
    ("linli.company.tasks.collect_yesterday", 6 * 3600),
    ("linli.facilities.tasks.close_past_bookings", 15 * 60),
    ("linli.courses.tasks.expire_unpaid_enrolments", 15 * 60),
    ("linli.core.tasks.prune_throttle_counters", 6 * 3600),
    ("linli.notices.tasks.notices_tick", 300),
    ("linli.people.tasks.expire_register_exports", 3600),
]
