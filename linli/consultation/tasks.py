from django_tasks import task

from . import services


@task()
def flag_overdue_tasks() -> int:
    """督办: flag decision tasks past their due date and tell the people who answer for them."""
    return len(services.tasks_flag_overdue())
