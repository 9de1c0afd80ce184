from django_tasks import task


@task()
def expire_unpaid_enrolments() -> int:
    """Give up seats whose class fee was not paid in time (their places go to the waiting list)."""
    from .services import enrolments_expire_unpaid

    return enrolments_expire_unpaid()
