"""Database chores shared by the bulk loaders (the demo, the register import, the benchmarks)."""

from django.db import connection


def refresh_statistics(*tables: str) -> None:
    """Refresh the query planner's statistics after a bulk load (of these tables, or of all), so that the queries that
    follow are planned for the rows now there (PostgreSQL's autovacuum would do it later; SQLite never does it by
    itself). Inside a transaction PostgreSQL counts the transaction's own new rows too."""
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
        for table in tables:  # one name a statement: SQLite's ANALYZE takes no list
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
