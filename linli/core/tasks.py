from django_tasks import task


@task()
def prune_throttle_counters() -> int:
    """Delete sign-in and code-guessing counters whose window and cooldown have long passed."""
    from .throttle import prune

    return prune()
