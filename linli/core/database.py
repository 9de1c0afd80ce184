"""Database chores shared by the bulk loaders (the demo, the register import, the benchmarks)."""

from django.db import connection


def refresh_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load, so that the queries that follow are planned for the
    rows now there (PostgreSQL's autovacuum would do it later; SQLite never does it by itself)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
