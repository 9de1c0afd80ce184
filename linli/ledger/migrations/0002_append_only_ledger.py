"""On PostgreSQL, refuse UPDATE and DELETE of ledger transactions and entries in the database itself."""

from django.db import migrations

TABLES = ("ledger_transaction", "ledger_entry")
FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'ledger rows are append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME
    || ' refused (post a reversing transaction instead)';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_append_only();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_append_only();")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_and_marketplace")]
    operations = [migrations.RunPython(forwards, backwards)]
