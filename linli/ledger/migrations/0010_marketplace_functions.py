"""On PostgreSQL, one function for each step of a purchase: placing the order, redeeming its code and refunding it
(see `_place_pg`, `_redeem_pg` and `_refund_pg` in `linli.ledger.services.marketplace`).

Each does in one statement what the general path does in several round trips: it locks the product (placing) or
the merchant and the order (redeeming) or the order (refunding), checks their state, takes or gives back the stock,
finds the accounts, writes the resident's notification, posts through `ledger_post` (which writes the audit row)
and writes or marks the order. The product or merchant is locked before the accounts, as on the general path.

A function returns no row, and writes nothing, when the general path must decide: a refusal to word (not on sale,
out of stock, an unknown code, already redeemed, settled, a right to check again), an account not opened yet. A
posting that would take an account below its floor raises `ledger:short` from `ledger_post`; the statement is then
undone as a whole and the general path words the refusal.
"""

from django.db import migrations

# The legs that move an order's points and yuan from the resident to `p_to` ('escrow': the community's escrow,
# 'merchant': the merchant's account), each unit through both communities' pools when the resident lives in another
# community; `p_sign` -1 turns them round (a refund). NULL arrays when an account is not opened yet.
LEGS = """
CREATE OR REPLACE FUNCTION ledger_order_legs(
    p_resident bigint, p_resident_community bigint, p_community bigint, p_merchant bigint, p_to varchar,
    p_points bigint, p_fen bigint, p_sign bigint,
    OUT leg_accounts bigint[], OUT leg_units varchar[], OUT leg_amounts bigint[]
)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_unit varchar;
    v_amount bigint;
    v_from bigint;
    v_to bigint;
    v_out bigint;
    v_in bigint;
BEGIN
    leg_accounts := '{}';
    leg_units := '{}';
    leg_amounts := '{}';
    FOREACH v_unit IN ARRAY ARRAY['points', 'fen']::varchar[] LOOP
        v_amount := CASE v_unit WHEN 'points' THEN p_points ELSE p_fen END;
        CONTINUE WHEN v_amount <= 0;
        SELECT a.id INTO v_from FROM ledger_account AS a WHERE a.resident_id = p_resident AND a.unit = v_unit;
        IF p_to = 'escrow' THEN
            SELECT a.id INTO v_to FROM ledger_account AS a
            WHERE a.community_id = p_community AND a.kind = 'escrow' AND a.code = '' AND a.unit = v_unit;
        ELSE
            SELECT a.id INTO v_to FROM ledger_account AS a WHERE a.merchant_id = p_merchant AND a.unit = v_unit;
        END IF;
        IF v_from IS NULL OR v_to IS NULL THEN
            leg_accounts := NULL;
            RETURN;
        END IF;
        leg_accounts := leg_accounts || v_from;
        leg_units := leg_units || v_unit;
        leg_amounts := leg_amounts || (-v_amount * p_sign);
        IF p_resident_community <> p_community THEN
            SELECT a.id INTO v_out FROM ledger_account AS a
            WHERE a.community_id = p_resident_community AND a.kind = 'pool' AND a.code = '' AND a.unit = v_unit;
            SELECT a.id INTO v_in FROM ledger_account AS a
            WHERE a.community_id = p_community AND a.kind = 'pool' AND a.code = '' AND a.unit = v_unit;
            IF v_out IS NULL OR v_in IS NULL THEN
                leg_accounts := NULL;
                RETURN;
            END IF;
            leg_accounts := leg_accounts || v_out || v_in;
            leg_units := leg_units || v_unit || v_unit;
            leg_amounts := leg_amounts || (v_amount * p_sign) || (-v_amount * p_sign);
        END IF;
        leg_accounts := leg_accounts || v_to;
        leg_units := leg_units || v_unit;
        leg_amounts := leg_amounts || (v_amount * p_sign);
    END LOOP;
END;
$$;
"""

# Posts the legs through `ledger_post` (accounts updated in key order; the audit row's details get the legs) and
# returns the transaction's id.
POST = """
CREATE OR REPLACE FUNCTION ledger_order_post(
    p_community bigint, p_kind varchar, p_key varchar, p_fingerprint varchar, p_memo varchar,
    p_occurred_at timestamptz, p_actor bigint, p_leg_accounts bigint[], p_leg_units varchar[],
    p_leg_amounts bigint[], p_at timestamptz, p_audit_actor bigint, p_action varchar, p_object_type varchar,
    p_after jsonb
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
    v_deltas bigint[];
    v_legs jsonb;
    v_txn bigint;
BEGIN
    SELECT array_agg(d.account ORDER BY d.account), array_agg(d.delta ORDER BY d.account) INTO v_ids, v_deltas
    FROM (SELECT l.account, sum(l.amount)::bigint AS delta FROM unnest(p_leg_accounts, p_leg_amounts)
          AS l(account, amount) GROUP BY l.account) AS d;
    SELECT jsonb_agg(jsonb_build_object('account', l.account, 'unit', l.unit, 'amount', l.amount) ORDER BY l.n)
    INTO v_legs
    FROM unnest(p_leg_accounts, p_leg_units, p_leg_amounts) WITH ORDINALITY AS l(account, unit, amount, n);
    SELECT w.txn_id INTO v_txn FROM ledger_post(
        p_community, p_kind, p_key, p_fingerprint, '', left(p_memo, 200), p_occurred_at, p_actor, NULL,
        v_ids, v_deltas, p_leg_accounts, p_leg_units, p_leg_amounts, p_at, p_audit_actor, p_action,
        p_object_type, p_after || jsonb_build_object('legs', v_legs)) AS w
    LIMIT 1;
    RETURN v_txn;
END;
$$;
"""

# The fingerprint the services give a redemption's or a refund's key: sha256 of {"op": ..., "order": ...} as
# Python's json.dumps(sort_keys=True) writes it.
FINGERPRINT = """
CREATE OR REPLACE FUNCTION ledger_order_fingerprint(p_op varchar, p_order bigint) RETURNS varchar
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to('{"op": "' || p_op || '", "order": ' || p_order::text || '}', 'UTF8')), 'hex')
$$;
"""

# Whether `p_user` is on the merchant's staff; true when there is no one to check (NULL: the caller decided).
STAFF = """
CREATE OR REPLACE FUNCTION ledger_merchant_staff_has(p_merchant bigint, p_user bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_user IS NULL
        OR EXISTS (SELECT 1 FROM ledger_merchant_staff AS s WHERE s.merchant_id = p_merchant AND s.user_id = p_user)
$$;
"""

# A purchase: the product locked and decided on as it is now (on sale by an approved merchant, in stock), the
# stock taken, the points (and yuan) held in escrow, the order written with its code and audited. One row: the
# order's id, its payment, points, fen and the memo; no row: the general path decides.
PLACE = """
CREATE OR REPLACE FUNCTION ledger_order_place(
    p_community bigint, p_merchant bigint, p_merchant_name varchar, p_product bigint, p_resident bigint,
    p_resident_community bigint, p_quantity bigint, p_max_points bigint, p_max_fen bigint, p_key varchar,
    p_fingerprint varchar, p_code varchar, p_occurred_at timestamptz, p_actor bigint, p_at timestamptz,
    p_audit_actor bigint, p_object_type varchar
) RETURNS TABLE (order_id bigint, txn_id bigint, points bigint, fen bigint, memo varchar)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_product record;
    v_points bigint;
    v_fen bigint;
    v_legs record;
    v_order bigint;
    v_memo varchar;
    v_txn bigint;
BEGIN
    SELECT p.name, p.price_points, p.price_fen, p.stock, p.active, p.merchant_id INTO v_product
    FROM ledger_product AS p WHERE p.id = p_product FOR NO KEY UPDATE;
    IF NOT FOUND OR NOT v_product.active OR v_product.stock < p_quantity OR v_product.merchant_id <> p_merchant
        OR NOT EXISTS (SELECT 1 FROM ledger_merchant AS m WHERE m.id = p_merchant AND m.status = 'approved') THEN
        RETURN;
    END IF;
    v_points := v_product.price_points * p_quantity;
    v_fen := v_product.price_fen * p_quantity;
    IF v_points > p_max_points OR v_fen > p_max_fen THEN
        RETURN;
    END IF;
    v_legs := ledger_order_legs(p_resident, p_resident_community, p_community, p_merchant, 'escrow', v_points,
                                v_fen, 1);
    IF v_legs.leg_accounts IS NULL THEN
        RETURN;
    END IF;
    UPDATE ledger_product SET stock = stock - p_quantity WHERE id = p_product;
    v_order := nextval(pg_get_serial_sequence('ledger_order', 'id'));
    v_memo := left(p_merchant_name || ' · ' || v_product.name || ' × ' || p_quantity::text, 200);
    v_txn := ledger_order_post(
        p_community, 'order', p_key, p_fingerprint, v_memo, p_occurred_at, p_actor, v_legs.leg_accounts,
        v_legs.leg_units, v_legs.leg_amounts, p_at, p_audit_actor, 'order.place', p_object_type,
        jsonb_build_object('order', v_order));
    INSERT INTO ledger_order (id, community_id, merchant_id, product_id, resident_id, quantity, points, fen, status,
                              code, payment_id, created_at)
    VALUES (v_order, p_community, p_merchant, p_product, p_resident, p_quantity, v_points, v_fen, 'paid', p_code,
            v_txn, p_occurred_at);
    RETURN QUERY SELECT v_order, v_txn, v_points, v_fen, v_memo;
END;
$$;
"""

# The resident's notification of a redemption or refund, in the resident's language (`p_titles`: a title for each
# language, `%(product)s` standing for the product's name; doubled below, as the statement is run with parameters).
# Nothing for a resident without an account.
NOTIFY = """
CREATE OR REPLACE FUNCTION ledger_order_notify(
    p_resident bigint, p_product_name varchar, p_titles jsonb, p_default_language varchar, p_body text,
    p_url varchar, p_at timestamptz, p_skip_user bigint
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_user bigint;
    v_community bigint;
    v_language varchar;
BEGIN
    SELECT r.user_id, r.community_id, u.language INTO v_user, v_community, v_language
    FROM people_resident AS r LEFT JOIN accounts_user AS u ON u.id = r.user_id WHERE r.id = p_resident;
    IF v_user IS NULL OR v_user = p_skip_user THEN
        RETURN;
    END IF;
    INSERT INTO notifications_notification (user_id, community_id, title, body, url, created_at)
    VALUES (v_user, v_community,
            left(replace(COALESCE(p_titles ->> NULLIF(v_language, ''), p_titles ->> p_default_language),
                         '%%(product)s', p_product_name), 120),
            p_body, p_url, p_at);
END;
$$;
"""

# A redemption by the merchant's staff (`p_staff_user` checked to be on it): the merchant locked (FOR NO KEY UPDATE:
# orders being placed meanwhile need not wait) and still approved, the order with this code locked and still paid, the resident told, the held value
# moved from escrow to the merchant (audited) and the order marked. One row: the order as it is now.
REDEEM = """
CREATE OR REPLACE FUNCTION ledger_order_redeem(
    p_merchant bigint, p_staff_user bigint, p_code varchar, p_occurred_at timestamptz, p_actor bigint,
    p_redeemed_by bigint, p_titles jsonb, p_default_language varchar, p_at timestamptz, p_audit_actor bigint,
    p_object_type varchar
) RETURNS TABLE (order_id bigint, community_id bigint, product_id bigint, resident_id bigint, quantity bigint,
                 points bigint, fen bigint, code varchar, payment_id bigint, created_at timestamptz,
                 redemption_id bigint, settlement_id bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_merchant record;
    v_order record;
    v_product varchar;
    v_legs record;
    v_accounts bigint[] := '{}';
    v_units varchar[] := '{}';
    v_amounts bigint[] := '{}';
    v_txn bigint;
BEGIN
    SELECT m.name, m.status, m.community_id INTO v_merchant
    FROM ledger_merchant AS m WHERE m.id = p_merchant FOR NO KEY UPDATE;
    IF NOT FOUND OR v_merchant.status <> 'approved' OR NOT ledger_merchant_staff_has(p_merchant, p_staff_user) THEN
        RETURN;
    END IF;
    SELECT o.* INTO v_order FROM ledger_order AS o WHERE o.merchant_id = p_merchant AND o.code = p_code FOR UPDATE;
    IF NOT FOUND OR v_order.status <> 'paid' THEN
        RETURN;
    END IF;
    -- escrow to merchant, unit by unit: the escrow's legs are a purchase's last ones turned round
    FOR v_legs IN
        SELECT u.unit, u.amount, e.id AS escrow, m.id AS merchant
        FROM (VALUES (1, 'points'::varchar, v_order.points::bigint), (2, 'fen'::varchar, v_order.fen::bigint))
            AS u(n, unit, amount)
        LEFT JOIN ledger_account AS e
            ON e.community_id = v_merchant.community_id AND e.kind = 'escrow' AND e.code = '' AND e.unit = u.unit
        LEFT JOIN ledger_account AS m ON m.merchant_id = p_merchant AND m.unit = u.unit
        WHERE u.amount > 0
        ORDER BY u.n
    LOOP
        IF v_legs.escrow IS NULL OR v_legs.merchant IS NULL THEN
            RETURN;
        END IF;
        v_accounts := v_accounts || v_legs.escrow || v_legs.merchant;
        v_units := v_units || v_legs.unit || v_legs.unit;
        v_amounts := v_amounts || (-v_legs.amount) || v_legs.amount;
    END LOOP;
    SELECT p.name INTO v_product FROM ledger_product AS p WHERE p.id = v_order.product_id;
    -- the resident told before the posting holds the escrow account
    PERFORM ledger_order_notify(v_order.resident_id, v_product, p_titles, p_default_language, v_merchant.name,
                                '/market/orders/', p_at, NULL);
    v_txn := ledger_order_post(
        v_merchant.community_id, 'redeem', 'redeem:' || v_order.id::text,
        ledger_order_fingerprint('redeem', v_order.id), v_merchant.name || ' · ' || v_product, p_occurred_at,
        p_actor, v_accounts, v_units, v_amounts, p_at, p_audit_actor, 'order.redeem', p_object_type,
        jsonb_build_object('order', v_order.id));
    UPDATE ledger_order SET status = 'redeemed', redemption_id = v_txn, redeemed_at = p_occurred_at,
        redeemed_by_id = p_redeemed_by
    WHERE id = v_order.id;
    RETURN QUERY SELECT v_order.id, v_order.community_id, v_order.product_id, v_order.resident_id,
        v_order.quantity::bigint, v_order.points::bigint, v_order.fen::bigint, v_order.code, v_order.payment_id,
        v_order.created_at, v_txn, v_order.settlement_id;
END;
$$;
"""

# A refund: the order locked; when it is refunded already, in another state than the caller read it (and the actor
# may refund it only in that state), settled, or `p_staff_user` is not on its merchant's staff, the general path
# decides. Before redemption the stock comes back
# and the held value goes back to the resident, after it the merchant pays it back; the resident is told (unless
# the resident refunds), the posting is audited with the reason, and the order is marked. One row: the order's
# state as it is now.
REFUND = """
CREATE OR REPLACE FUNCTION ledger_order_refund(
    p_order bigint, p_status_read varchar, p_any_state boolean, p_staff_user bigint, p_reason text,
    p_occurred_at timestamptz, p_actor bigint, p_actor_user bigint, p_titles jsonb, p_default_language varchar,
    p_at timestamptz, p_audit_actor bigint, p_object_type varchar
) RETURNS TABLE (status varchar, redemption_id bigint, redeemed_at timestamptz, redeemed_by_id bigint,
                 refund_id bigint, refunded_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_order record;
    v_was_paid boolean;
    v_resident_community bigint;
    v_merchant varchar;
    v_product varchar;
    v_legs record;
    v_txn bigint;
BEGIN
    SELECT o.* INTO v_order FROM ledger_order AS o WHERE o.id = p_order FOR UPDATE;
    IF NOT FOUND OR v_order.status = 'refunded' OR v_order.settlement_id IS NOT NULL
        OR (v_order.status <> p_status_read AND p_any_state IS NOT TRUE)
        OR NOT ledger_merchant_staff_has(v_order.merchant_id, p_staff_user) THEN
        RETURN;
    END IF;
    v_was_paid := v_order.status = 'paid';
    SELECT r.community_id INTO v_resident_community FROM people_resident AS r WHERE r.id = v_order.resident_id;
    v_legs := ledger_order_legs(v_order.resident_id, v_resident_community, v_order.community_id,
                                v_order.merchant_id, CASE WHEN v_was_paid THEN 'escrow' ELSE 'merchant' END,
                                v_order.points, v_order.fen, -1);
    IF v_legs.leg_accounts IS NULL THEN
        RETURN;
    END IF;
    IF v_was_paid THEN  -- the stock comes back; the product is locked before the accounts, as by a purchase
        UPDATE ledger_product SET stock = stock + v_order.quantity WHERE id = v_order.product_id
        RETURNING name INTO v_product;
    ELSE
        SELECT p.name INTO v_product FROM ledger_product AS p WHERE p.id = v_order.product_id;
    END IF;
    PERFORM ledger_order_notify(v_order.resident_id, v_product, p_titles, p_default_language, p_reason, '/ledger/',
                                p_at, p_actor_user);
    SELECT m.name INTO v_merchant FROM ledger_merchant AS m WHERE m.id = v_order.merchant_id;
    v_txn := ledger_order_post(
        v_order.community_id, 'refund', 'refund:' || v_order.id::text,
        ledger_order_fingerprint('refund', v_order.id),
        CASE WHEN p_reason <> '' THEN p_reason ELSE v_merchant || ' · ' || v_product END, p_occurred_at, p_actor,
        v_legs.leg_accounts, v_legs.leg_units, v_legs.leg_amounts, p_at, p_audit_actor, 'order.refund',
        p_object_type, jsonb_build_object('order', v_order.id, 'reason', p_reason));
    UPDATE ledger_order SET status = 'refunded', refund_id = v_txn, refunded_at = p_occurred_at
    WHERE id = v_order.id;
    RETURN QUERY SELECT 'refunded'::varchar, v_order.redemption_id, v_order.redeemed_at, v_order.redeemed_by_id,
        v_txn, p_occurred_at;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS ledger_order_refund(bigint, varchar, boolean, bigint, text, timestamptz, bigint, bigint,
    jsonb, varchar, timestamptz, bigint, varchar);
DROP FUNCTION IF EXISTS ledger_order_redeem(bigint, bigint, varchar, timestamptz, bigint, bigint, jsonb, varchar,
    timestamptz, bigint, varchar);
DROP FUNCTION IF EXISTS ledger_order_notify(bigint, varchar, jsonb, varchar, text, varchar, timestamptz, bigint);
DROP FUNCTION IF EXISTS ledger_order_place(bigint, bigint, varchar, bigint, bigint, bigint, bigint, bigint, bigint,
    varchar, varchar, varchar, timestamptz, bigint, timestamptz, bigint, varchar);
DROP FUNCTION IF EXISTS ledger_order_fingerprint(varchar, bigint);
DROP FUNCTION IF EXISTS ledger_merchant_staff_has(bigint, bigint);
DROP FUNCTION IF EXISTS ledger_order_post(bigint, varchar, varchar, varchar, varchar, timestamptz, bigint, bigint[],
    varchar[], bigint[], timestamptz, bigint, varchar, varchar, jsonb);
DROP FUNCTION IF EXISTS ledger_order_legs(bigint, bigint, bigint, bigint, varchar, bigint, bigint, bigint);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function in (LEGS, POST, FINGERPRINT, STAFF, PLACE, NOTIFY, REDEEM, REFUND):
            schema_editor.execute(function)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_earning_function")]
    operations = [migrations.RunPython(forwards, backwards)]
