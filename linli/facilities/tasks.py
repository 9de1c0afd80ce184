from django_tasks import task


@task()
def close_past_bookings() -> int:
    """Mark no-shows and close the waiting lists of slots that have ended."""
    from .services import bookings_close_past

    return bookings_close_past()
