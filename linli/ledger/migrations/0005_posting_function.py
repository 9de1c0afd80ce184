"""On PostgreSQL, one function posts a transaction (see `_post_pg` in `linli.ledger.services`).

Its statements are planned once per connection and kept, and a lone transfer needs no BEGIN and COMMIT: the
function either writes everything or raises. Accounts are updated one by one in the order given (the caller
sorts them by primary key, so two postings never wait on each other in a cycle); an account that would fall
below its floor raises `ledger:short` with its id, balance and floor, one that does not exist `ledger:unknown`.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_post(
    p_community bigint, p_kind varchar, p_key varchar, p_fingerprint varchar, p_rule_code varchar,
    p_memo varchar, p_occurred_at timestamptz, p_actor bigint, p_reverses bigint,
    p_ids bigint[], p_deltas bigint[], p_leg_accounts bigint[], p_leg_units varchar[], p_leg_amounts bigint[],
    p_at timestamptz, p_audit_actor bigint, p_action varchar, p_object_type varchar, p_after jsonb
) RETURNS TABLE (entry_id bigint, txn_id bigint, account_id bigint, unit varchar, amount bigint,
                 balance_after bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_txn bigint;
    v_balance bigint;
    v_floor bigint;
    v_running bigint[] := p_deltas;
    v_after bigint[] := '{}';
    v_at int;
BEGIN
    INSERT INTO ledger_transaction
        (community_id, kind, idempotency_key, fingerprint, rule_code, memo, occurred_at, actor_id, reverses_id)
    VALUES (p_community, p_kind, p_key, p_fingerprint, p_rule_code, p_memo, p_occurred_at, p_actor, p_reverses)
    RETURNING id INTO v_txn;
    FOR i IN 1 .. cardinality(p_ids) LOOP
        UPDATE ledger_account SET balance = balance + p_deltas[i]
        WHERE id = p_ids[i] AND (floor IS NULL OR balance + p_deltas[i] >= floor)
        RETURNING balance INTO v_balance;
        IF NOT FOUND THEN
            SELECT a.balance, a.floor INTO v_balance, v_floor FROM ledger_account AS a WHERE a.id = p_ids[i];
            IF NOT FOUND THEN
                RAISE EXCEPTION USING MESSAGE = 'ledger:unknown', DETAIL = p_ids[i]::text;
            END IF;
            RAISE EXCEPTION USING MESSAGE = 'ledger:short',
                DETAIL = p_ids[i]::text || ' ' || v_balance::text || ' ' || v_floor::text;
        END IF;
        v_running[i] := v_balance - p_deltas[i];  -- the balance before this posting
    END LOOP;
    FOR k IN 1 .. cardinality(p_leg_accounts) LOOP  -- the balance after each leg, walking forward
        v_at := array_position(p_ids, p_leg_accounts[k]);
        v_running[v_at] := v_running[v_at] + p_leg_amounts[k];
        v_after[k] := v_running[v_at];
    END LOOP;
    IF p_action <> '' THEN
        INSERT INTO audit_auditentry (at, actor_id, community_id, action, object_type, object_id, before, after, via)
        VALUES (p_at, p_audit_actor, p_community, p_action, p_object_type, v_txn::varchar, NULL, p_after, 'service');
    END IF;
    RETURN QUERY WITH written AS (
        INSERT INTO ledger_entry (transaction_id, account_id, unit, amount, balance_after)
        SELECT v_txn, leg.account_id, leg.unit, leg.amount, leg.after
        FROM unnest(p_leg_accounts, p_leg_units, p_leg_amounts, v_after) WITH ORDINALITY
            AS leg(account_id, unit, amount, after, n)
        ORDER BY leg.n
        RETURNING ledger_entry.id, ledger_entry.transaction_id, ledger_entry.account_id, ledger_entry.unit,
            ledger_entry.amount, ledger_entry.balance_after
    )
    SELECT * FROM written ORDER BY 1;
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS ledger_post(bigint, varchar, varchar, varchar, varchar, varchar, timestamptz, "
            "bigint, bigint, bigint[], bigint[], bigint[], varchar[], bigint[], timestamptz, bigint, varchar, "
            "varchar, jsonb);"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_community_fund_floor_zero")]
    operations = [migrations.RunPython(forwards, backwards)]
