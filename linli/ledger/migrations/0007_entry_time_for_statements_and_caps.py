"""Each entry keeps its transaction's time, so that statements and caps read one index whatever the statistics say.

The column is filled from the transactions (the append-only trigger is paused for that one statement on
PostgreSQL), then made required, and the posting function writes it from then on.
"""

from importlib import import_module

from django.db import migrations, models

_0005 = import_module("linli.ledger.migrations.0005_posting_function")
OLD_INSERT = """INSERT INTO ledger_entry (transaction_id, account_id, unit, amount, balance_after)
        SELECT v_txn, leg.account_id, leg.unit, leg.amount, leg.after"""
NEW_INSERT = """INSERT INTO ledger_entry (transaction_id, account_id, unit, amount, balance_after, occurred_at)
        SELECT v_txn, leg.account_id, leg.unit, leg.amount, leg.after, p_occurred_at"""
assert OLD_INSERT in _0005.FUNCTION
FUNCTION = _0005.FUNCTION.replace(OLD_INSERT, NEW_INSERT)


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only;")
        schema_editor.execute(
            "UPDATE ledger_entry AS e SET occurred_at = t.occurred_at FROM ledger_transaction AS t "
            "WHERE t.id = e.transaction_id;"
        )
        schema_editor.execute("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only;")
    else:
        schema_editor.execute(
            "UPDATE ledger_entry SET occurred_at = "
            "(SELECT t.occurred_at FROM ledger_transaction AS t WHERE t.id = ledger_entry.transaction_id);"
        )


def function_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def function_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0005.FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_open_funding_accounts")]

    operations = [
        migrations.AddField(
            model_name="entry", name="occurred_at", field=models.DateTimeField(null=True, verbose_name="when")
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(model_name="entry", name="occurred_at", field=models.DateTimeField(verbose_name="when")),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(fields=["account", "-occurred_at", "-id"], name="ledger_entry_account_time_idx"),
        ),
        migrations.RunPython(function_forwards, function_backwards),
    ]
