"""On PostgreSQL, one function earns points by a rule (see `_earn_pg` in `linli.ledger.services.earning`).

It finds the community's rule and the two accounts, locks them in primary-key order, sums what the resident already
earned by the rule in the day, month and year, and posts what the caps leave through `ledger_post`: a single round
trip, so the funding account that every earning by the rule pays from is held for the time of one statement, not
of several. It returns no row, and writes nothing, when the general path must decide (the rule not stored yet or
switched off, an account not opened yet, the funding account short of its floor); then one row: the points awarded
and asked, and the entries written (none when nothing was awarded: the transaction is still recorded, so that a
retry with its key is recognised, and audited).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_earn(
    p_community bigint, p_resident bigint, p_rule_code varchar, p_quantity bigint, p_key varchar,
    p_fingerprint varchar, p_memo varchar, p_occurred_at timestamptz, p_actor bigint,
    p_day_start timestamptz, p_day_end timestamptz, p_month_start timestamptz, p_month_end timestamptz,
    p_year_start timestamptz, p_year_end timestamptz,
    p_at timestamptz, p_audit_actor bigint, p_object_type varchar, p_after jsonb
) RETURNS TABLE (awarded bigint, asked bigint, entry_id bigint, txn_id bigint, account_id bigint, unit varchar,
                 amount bigint, balance_after bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_rule record;
    v_to bigint;
    v_source bigint;
    v_balance bigint;
    v_floor bigint;
    v_asked bigint;
    v_room bigint;
    v_year bigint;
    v_month bigint;
    v_day bigint;
    v_points bigint;
    v_ids bigint[];
    v_after jsonb;
BEGIN
    SELECT r.points, r.daily_cap, r.monthly_cap, r.yearly_cap, r.funding_code, r.enabled INTO v_rule
    FROM ledger_earningrule AS r WHERE r.community_id = p_community AND r.code = p_rule_code;
    IF NOT FOUND OR NOT v_rule.enabled THEN
        RETURN;
    END IF;
    SELECT a.id INTO v_to FROM ledger_account AS a WHERE a.resident_id = p_resident AND a.unit = 'points';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT a.id INTO v_source FROM ledger_account AS a
    WHERE a.community_id = p_community AND a.kind = 'funding' AND a.code = v_rule.funding_code
        AND a.unit = 'points';
    IF NOT FOUND THEN
        RETURN;
    END IF;
    v_ids := ARRAY[LEAST(v_to, v_source), GREATEST(v_to, v_source)];
    -- both rows locked in key order: the resident's serialises the cap check
    PERFORM 1 FROM ledger_account AS a WHERE a.id = ANY (v_ids) ORDER BY a.id FOR UPDATE;
    v_asked := v_rule.points * p_quantity;
    v_room := v_asked;
    IF v_rule.daily_cap IS NOT NULL OR v_rule.monthly_cap IS NOT NULL OR v_rule.yearly_cap IS NOT NULL THEN
        SELECT COALESCE(SUM(e.amount), 0),
            COALESCE(SUM(e.amount) FILTER (WHERE e.occurred_at >= p_month_start AND e.occurred_at < p_month_end), 0),
            COALESCE(SUM(e.amount) FILTER (WHERE e.occurred_at >= p_day_start AND e.occurred_at < p_day_end), 0)
        INTO v_year, v_month, v_day
        FROM ledger_entry AS e JOIN ledger_transaction AS t ON t.id = e.transaction_id
        WHERE e.account_id = v_to AND t.kind = 'earn' AND t.rule_code = p_rule_code
            AND e.occurred_at >= LEAST(p_year_start, p_month_start)
            AND e.occurred_at < GREATEST(p_year_end, p_month_end)
            AND NOT EXISTS (SELECT 1 FROM ledger_transaction AS r WHERE r.reverses_id = t.id);
        IF v_rule.daily_cap IS NOT NULL THEN
            v_room := LEAST(v_room, v_rule.daily_cap - v_day);
        END IF;
        IF v_rule.monthly_cap IS NOT NULL THEN
            v_room := LEAST(v_room, v_rule.monthly_cap - v_month);
        END IF;
        IF v_rule.yearly_cap IS NOT NULL THEN
            v_room := LEAST(v_room, v_rule.yearly_cap - v_year);
        END IF;
    END IF;
    v_points := GREATEST(0, v_room);
    IF v_points > 0 THEN
        SELECT a.balance, a.floor INTO v_balance, v_floor FROM ledger_account AS a WHERE a.id = v_source;
        IF v_floor IS NOT NULL AND v_balance - v_points < v_floor THEN
            RETURN;  -- the general path refuses, in the user's words
        END IF;
        v_after := p_after || jsonb_build_object('asked', v_asked, 'awarded', v_points, 'legs', jsonb_build_array(
            jsonb_build_object('account', v_source, 'unit', 'points', 'amount', -v_points),
            jsonb_build_object('account', v_to, 'unit', 'points', 'amount', v_points)));
        RETURN QUERY SELECT v_points, v_asked, w.* FROM ledger_post(
            p_community, 'earn', p_key, p_fingerprint, p_rule_code, p_memo, p_occurred_at, p_actor, NULL,
            v_ids, CASE WHEN v_ids[1] = v_source THEN ARRAY[-v_points, v_points] ELSE ARRAY[v_points, -v_points] END,
            ARRAY[v_source, v_to], ARRAY['points', 'points']::varchar[], ARRAY[-v_points, v_points],
            p_at, p_audit_actor, 'points.earn', p_object_type, v_after) AS w;
    ELSE
        v_after := p_after || jsonb_build_object('asked', v_asked, 'awarded', 0, 'legs', '[]'::jsonb);
        PERFORM ledger_post(
            p_community, 'earn', p_key, p_fingerprint, p_rule_code, p_memo, p_occurred_at, p_actor, NULL,
            '{}', '{}', '{}', '{}', '{}', p_at, p_audit_actor, 'points.earn', p_object_type, v_after);
        RETURN QUERY SELECT 0::bigint, v_asked, NULL::bigint, NULL::bigint, NULL::bigint, NULL::varchar,
            NULL::bigint, NULL::bigint;
    END IF;
END;
$$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS ledger_earn(bigint, bigint, varchar, bigint, varchar, varchar, varchar, "
            "timestamptz, bigint, timestamptz, timestamptz, timestamptz, timestamptz, timestamptz, timestamptz, "
            "timestamptz, bigint, varchar, jsonb);"
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_earning_rule_monthly_cap_and_more_payers")]
    operations = [migrations.RunPython(forwards, backwards)]
