"""SQLite schema, as numbered migrations applied in order, once each.

Tables keyed by a text id are `WITHOUT ROWID`: the row lives in the primary
key's b-tree, so a purchase dirties fewer pages and each durable commit
writes (and syncs) less. Since migration 3 a customer's ledger entries,
orders and refunds are clustered under the customer id: loading a history
reads a few neighbouring pages, and a purchase writes to four b-trees
(`ledger`, `orders`, `orders_by_id`, `requests`) instead of seven. Since the
tier-spend tally, a purchase reads one row for the engine instead of every
order, and keeps its request record on its order: the four b-trees are
`ledger`, `orders`, `orders_by_id` and `tier_spend`. Beside them, triggers
keep the owner's report's summaries, a row of each a purchase: the day
totals (`order_days`, `ledger_days`) and each customer's orders and points
(`customer_orders`, `customer_points`), which also answer a customer's
standing with the few entries still pending (`ledger_pending`); and any write
to a customer clears the moment the nightly run leaves them quiet until
(`nightly_quiet`).
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE customers (
        customer_id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        locale TEXT,
        birthday TEXT,
        birthday_set_at TEXT,
        interests TEXT NOT NULL DEFAULT '[]',
        habits TEXT NOT NULL DEFAULT '{}',
        referral_code TEXT NOT NULL DEFAULT '',
        referred_by TEXT,
        source TEXT NOT NULL DEFAULT '',
        tier TEXT
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX customers_by_referral_code ON customers(referral_code)
        WHERE referral_code != '';
    CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL REFERENCES customers(customer_id),
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        form TEXT NOT NULL,
        text_version TEXT NOT NULL,
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL
    );
    CREATE INDEX consents_by_customer ON consents(customer_id, at);
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        points INTEGER NOT NULL,
        at TEXT NOT NULL,
        available_at TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        rules_version TEXT NOT NULL,
        order_id TEXT,
        amount TEXT,
        currency TEXT,
        reward_id TEXT,
        certificate_id TEXT,
        reason TEXT,
        multiplier TEXT
    );
    -- Covers balance look-ups: the sums are read from the index alone.
    CREATE INDEX ledger_by_customer ON ledger(customer_id, available_at, points);
    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        placed_at TEXT NOT NULL,
        currency TEXT NOT NULL,
        shipping TEXT NOT NULL,
        tax TEXT NOT NULL,
        lines TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX orders_by_customer ON orders(customer_id, placed_at);
    CREATE TABLE refunds (
        refund_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders(order_id),
        customer_id TEXT NOT NULL,
        refunded_at TEXT NOT NULL,
        lines TEXT NOT NULL,
        tax TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX refunds_by_customer ON refunds(customer_id);
    CREATE TABLE certificates (
        certificate_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        code TEXT NOT NULL UNIQUE,
        rule_id TEXT NOT NULL,
        value TEXT NOT NULL,
        currency TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        consumed TEXT NOT NULL,
        redeemed_at TEXT,
        settled TEXT NOT NULL DEFAULT '0'
    ) WITHOUT ROWID;
    CREATE INDEX certificates_by_customer ON certificates(customer_id);
    CREATE TABLE requests (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        result TEXT NOT NULL,
        at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE feedback (
        feedback_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL REFERENCES customers(customer_id),
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        order_id TEXT
    ) WITHOUT ROWID;
    CREATE INDEX feedback_by_customer ON feedback(customer_id, at);
    """,
    """
    CREATE TABLE ledger_v3 (
        customer_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        -- The entry's place in the customer's ledger: 1, 2, 3...
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        points INTEGER NOT NULL,
        at TEXT NOT NULL,
        available_at TEXT NOT NULL,
        rules_version TEXT NOT NULL,
        order_id TEXT,
        amount TEXT,
        currency TEXT,
        reward_id TEXT,
        certificate_id TEXT,
        reason TEXT,
        multiplier TEXT,
        PRIMARY KEY (customer_id, idempotency_key)
    ) WITHOUT ROWID;
    INSERT INTO ledger_v3 SELECT customer_id, idempotency_key,
        ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id), kind, points, at,
        available_at, rules_version, order_id, amount, currency, reward_id, certificate_id,
        reason, multiplier FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_v3 RENAME TO ledger;
    CREATE TABLE refunds_v3 (
        customer_id TEXT NOT NULL,
        refund_id TEXT NOT NULL UNIQUE,
        order_id TEXT NOT NULL,
        refunded_at TEXT NOT NULL,
        lines TEXT NOT NULL,
        tax TEXT NOT NULL,
        PRIMARY KEY (customer_id, refund_id)
    ) WITHOUT ROWID;
    INSERT INTO refunds_v3 SELECT customer_id, refund_id, order_id, refunded_at, lines, tax
        FROM refunds;
    DROP TABLE refunds;
    ALTER TABLE refunds_v3 RENAME TO refunds;
    CREATE TABLE orders_v3 (
        customer_id TEXT NOT NULL,
        order_id TEXT NOT NULL UNIQUE,
        placed_at TEXT NOT NULL,
        currency TEXT NOT NULL,
        shipping TEXT NOT NULL,
        tax TEXT NOT NULL,
        lines TEXT NOT NULL,
        PRIMARY KEY (customer_id, order_id)
    ) WITHOUT ROWID;
    INSERT INTO orders_v3 SELECT customer_id, order_id, placed_at, currency, shipping, tax,
        lines FROM orders;
    DROP TABLE orders;
    ALTER TABLE orders_v3 RENAME TO orders;
    """,
    """
    CREATE TABLE integration_keys (
        key_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE mail_events (
        event_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        email TEXT NOT NULL,
        at TEXT NOT NULL,
        message_id TEXT NOT NULL,
        detail TEXT NOT NULL,
        customer_id TEXT
    ) WITHOUT ROWID;
    CREATE INDEX mail_events_by_customer ON mail_events(customer_id, at);
    """,
    """
    -- Rate limits and once-per-period holds, shared by every process. Keys
    -- name a window or a hold, never a person in clear (see services/limits.py).
    CREATE TABLE limits (
        key TEXT PRIMARY KEY,
        hits INTEGER NOT NULL,
        until INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    """
    -- An order's goods (the sum of its lines) in ten-thousandths of the
    -- currency unit, so reports can add up a million orders without reading
    -- their lines. Filled here for the orders already kept whose amounts are
    -- plain decimals with at most four places (all the store writes), else
    -- left empty: readers then fall back to the lines.
    ALTER TABLE orders ADD COLUMN goods_units INTEGER;
    UPDATE orders SET goods_units = (
        SELECT CASE WHEN SUM(odd) > 0 THEN NULL ELSE SUM(units) END FROM (
            SELECT a = '' OR a GLOB '*[^0-9.]*' OR a GLOB '*.*.*'
                    OR (instr(a, '.') > 0 AND length(a) - instr(a, '.') > 4) AS odd,
                CAST(replace(a, '.', '') AS INTEGER) * (
                    CASE CASE instr(a, '.') WHEN 0 THEN 0 ELSE length(a) - instr(a, '.') END
                    WHEN 0 THEN 10000 WHEN 1 THEN 1000 WHEN 2 THEN 100 WHEN 3 THEN 10 ELSE 1 END
                ) AS units
            FROM (SELECT CAST(json_extract(j.value, '$[2]') AS TEXT) AS a
                FROM json_each(orders.lines) AS j)
        )
    );
    """,
    """
    -- One row per automatic email: customer, automation, occasion. Claimed
    -- before sending (status sending, until claimed_until), then marked sent
    -- or failed. The owner's report counts what was sent per kind and period.
    CREATE TABLE automation_sends (
        customer_id TEXT NOT NULL,
        automation TEXT NOT NULL,
        occasion TEXT NOT NULL,
        status TEXT NOT NULL,
        claimed_until INTEGER NOT NULL,
        at TEXT,
        PRIMARY KEY (customer_id, automation, occasion)
    ) WITHOUT ROWID;
    CREATE INDEX automation_sends_by_time ON automation_sends(status, at, automation);
    """,
    """
    -- Campaigns and their send records (see store/sends.py). The counters
    -- move in the transaction that settles the records they count.
    CREATE TABLE campaigns (
        slug TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        audience INTEGER NOT NULL DEFAULT 0,
        sent INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        bounced INTEGER NOT NULL DEFAULT 0,
        complained INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE sends (
        campaign TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        locale TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        lease_owner TEXT,
        lease_until REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        message_id TEXT,
        provider_id TEXT,
        sent_at TEXT,
        PRIMARY KEY (campaign, customer_id)
    ) WITHOUT ROWID;
    -- What is left to claim, oldest leases first: a claim reads only these.
    CREATE INDEX sends_to_claim ON sends(campaign, lease_until)
        WHERE status IN ('pending', 'claimed');
    -- Bounce and complaint reports name a message: ours, or the provider's id.
    CREATE INDEX sends_by_message_id ON sends(message_id) WHERE message_id IS NOT NULL;
    CREATE INDEX sends_by_provider_id ON sends(provider_id) WHERE provider_id IS NOT NULL;
    -- The next free moment to send at, shared by every worker and process.
    CREATE TABLE pace (
        key TEXT PRIMARY KEY,
        next_at REAL NOT NULL
    ) WITHOUT ROWID;
    -- What a finished campaign looked like on the web, for the archive.
    CREATE TABLE web_versions (
        campaign TEXT NOT NULL,
        locale TEXT NOT NULL,
        subject TEXT NOT NULL,
        html TEXT NOT NULL,
        PRIMARY KEY (campaign, locale)
    ) WITHOUT ROWID;
    """,
    """
    -- Answers left on the site's public questionnaire, without a link: they
    -- belong to no customer. The order number is as typed, the address only
    -- there when given for a reply.
    CREATE TABLE site_feedback (
        feedback_id TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        order_ref TEXT NOT NULL,
        reply_to TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX site_feedback_by_reply_to ON site_feedback(reply_to, at);
    CREATE INDEX site_feedback_by_time ON site_feedback(at);
    """,
    """
    -- Each customer's tier-spend tally (loyalty/tier_spend.py), written in the
    -- same transaction as the purchase it counts, so a purchase reads one row
    -- instead of every order. It depends on the programme's rules and on the
    -- time, which a migration does not know: a customer without a row has it
    -- counted from their orders at their next purchase. Amounts are decimal
    -- text, times UTC ISO 8601 like the other tables, `leaving` a JSON list
    -- of [time, amount].
    CREATE TABLE tier_spend (
        customer_id TEXT PRIMARY KEY,
        rules_version TEXT NOT NULL,
        since TEXT NOT NULL,
        total TEXT NOT NULL,
        leaving TEXT NOT NULL,
        rest_from TEXT,
        latest TEXT
    ) WITHOUT ROWID;
    -- A purchase's request record (its fingerprint and the answer given) is
    -- kept on the order it recorded: one b-tree fewer written per purchase.
    -- The records kept so far move there.
    ALTER TABLE orders ADD COLUMN fingerprint BLOB;
    ALTER TABLE orders ADD COLUMN result TEXT;
    UPDATE orders SET
        fingerprint = (SELECT fingerprint FROM requests WHERE key = 'purchase:' || order_id),
        result = (SELECT result FROM requests WHERE key = 'purchase:' || order_id);
    DELETE FROM requests WHERE key IN (
        SELECT 'purchase:' || order_id FROM orders WHERE result IS NOT NULL);
    """,
    """
    -- Automatic emails a purchase or refund owes (the thank-you, the feedback
    -- request), written in its transaction and deleted once the courier dealt
    -- with them: the table holds only what is owed now, so it is read whole
    -- (no index on `due` to write with every purchase). `due` is Unix seconds,
    -- `details` compact JSON.
    CREATE TABLE owed_emails (
        customer_id TEXT NOT NULL,
        automation TEXT NOT NULL,
        occasion TEXT NOT NULL,
        due INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        details TEXT NOT NULL,
        PRIMARY KEY (customer_id, automation, occasion)
    ) WITHOUT ROWID;
    """,
    """
    -- Whose referral code a sign-up gave: it becomes `referred_by` when the
    -- address is confirmed.
    ALTER TABLE customers ADD COLUMN invited_by TEXT;
    """,
    """
    -- How many of a campaign's records are held out (status 'held_out'):
    -- chosen not to be sent to, so the report can compare them with the rest.
    ALTER TABLE campaigns ADD COLUMN held_out INTEGER NOT NULL DEFAULT 0;
    """,
    """
    -- The owner's report adds its months up from these day totals (UTC days,
    -- `YYYY-MM-DD`) instead of grouping a million orders and ledger entries
    -- by month. Triggers keep them, so every writer does: the store, the
    -- import, the report's copy of a DynamoDB table. An order kept without
    -- its goods in units counts in `unknown`: the report reads its lines.
    CREATE TABLE order_days (
        day TEXT PRIMARY KEY,
        orders INTEGER NOT NULL,
        goods INTEGER NOT NULL,
        unknown INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO order_days SELECT substr(placed_at, 1, 10), COUNT(*),
        COALESCE(SUM(goods_units), 0), COUNT(*) - COUNT(goods_units) FROM orders GROUP BY 1;
    CREATE TRIGGER order_days_insert AFTER INSERT ON orders BEGIN
        INSERT INTO order_days VALUES (substr(NEW.placed_at, 1, 10), 1,
            COALESCE(NEW.goods_units, 0), NEW.goods_units IS NULL)
        ON CONFLICT (day) DO UPDATE SET orders = orders + 1, goods = goods + excluded.goods,
            unknown = unknown + excluded.unknown;
    END;
    CREATE TRIGGER order_days_delete AFTER DELETE ON orders BEGIN
        UPDATE order_days SET orders = orders - 1, goods = goods - COALESCE(OLD.goods_units, 0),
            unknown = unknown - (OLD.goods_units IS NULL)
        WHERE day = substr(OLD.placed_at, 1, 10);
    END;
    CREATE TRIGGER order_days_update AFTER UPDATE OF placed_at, goods_units ON orders BEGIN
        UPDATE order_days SET orders = orders - 1, goods = goods - COALESCE(OLD.goods_units, 0),
            unknown = unknown - (OLD.goods_units IS NULL)
        WHERE day = substr(OLD.placed_at, 1, 10);
        INSERT INTO order_days VALUES (substr(NEW.placed_at, 1, 10), 1,
            COALESCE(NEW.goods_units, 0), NEW.goods_units IS NULL)
        ON CONFLICT (day) DO UPDATE SET orders = orders + 1, goods = goods + excluded.goods,
            unknown = unknown + excluded.unknown;
    END;
    -- Points entered per day and kind, and how many of those entries gave
    -- points (a referral bonus taken back is an entry, not a bonus).
    CREATE TABLE ledger_days (
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        points INTEGER NOT NULL,
        given INTEGER NOT NULL,
        PRIMARY KEY (day, kind)
    ) WITHOUT ROWID;
    INSERT INTO ledger_days SELECT substr(at, 1, 10), kind, SUM(points), SUM(points > 0)
        FROM ledger GROUP BY 1, 2;
    CREATE TRIGGER ledger_days_insert AFTER INSERT ON ledger BEGIN
        INSERT INTO ledger_days VALUES (substr(NEW.at, 1, 10), NEW.kind, NEW.points,
            NEW.points > 0)
        ON CONFLICT (day, kind) DO UPDATE SET points = points + excluded.points,
            given = given + excluded.given;
    END;
    CREATE TRIGGER ledger_days_delete AFTER DELETE ON ledger BEGIN
        UPDATE ledger_days SET points = points - OLD.points, given = given - (OLD.points > 0)
        WHERE day = substr(OLD.at, 1, 10) AND kind = OLD.kind;
    END;
    CREATE TRIGGER ledger_days_update AFTER UPDATE OF at, kind, points ON ledger BEGIN
        UPDATE ledger_days SET points = points - OLD.points, given = given - (OLD.points > 0)
        WHERE day = substr(OLD.at, 1, 10) AND kind = OLD.kind;
        INSERT INTO ledger_days VALUES (substr(NEW.at, 1, 10), NEW.kind, NEW.points,
            NEW.points > 0)
        ON CONFLICT (day, kind) DO UPDATE SET points = points + excluded.points,
            given = given + excluded.given;
    END;
    -- The few entries that can take a balance below zero (see report/held.py),
    -- so the report finds their customers without reading every entry.
    CREATE INDEX ledger_below_zero ON ledger(customer_id, at)
        WHERE points < 0 AND kind IN ('clawback', 'adjust', 'referral');
    """,
    """
    -- Customers the nightly run found nothing due for, until when, and under which
    -- rules and settings (loyalty/quiet.py): the next runs leave them alone. Any
    -- write to a customer's orders, refunds, ledger, certificates or profile
    -- forgets theirs, by trigger, so every writer does.
    CREATE TABLE nightly_quiet (
        customer_id TEXT PRIMARY KEY,
        until TEXT NOT NULL,
        key TEXT NOT NULL
    ) WITHOUT ROWID;
    """
    + "".join(
        f"""
    CREATE TRIGGER {table}_{event.lower()}_wakes AFTER {event} ON {table} BEGIN
        DELETE FROM nightly_quiet WHERE customer_id = {row}.customer_id;
    END;"""
        for table in ("orders", "refunds", "ledger", "certificates", "customers")
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
        if (table, event) != ("customers", "INSERT")
    ),
    """
    -- Outgoing webhooks: the owner's endpoints (events a JSON list, the secret
    -- as the Standard Webhooks specification writes it, and the one a rotation
    -- replaced, signing too until `previous_until`), the deliveries owed
    -- to them (written with what they report, deleted once dealt with: read
    -- whole, like owed_emails) and each attempt's line of the log, kept until
    -- `keep_until` (Unix seconds). Times are UTC ISO 8601 like the other tables.
    CREATE TABLE webhook_endpoints (
        endpoint_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disable_after INTEGER NOT NULL,
        state TEXT NOT NULL,
        failures INTEGER NOT NULL DEFAULT 0,
        disabled_at TEXT,
        note TEXT NOT NULL DEFAULT '',
        previous_secret TEXT NOT NULL DEFAULT '',
        previous_until INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE owed_webhooks (
        endpoint_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        due INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (endpoint_id, message_id)
    ) WITHOUT ROWID;
    CREATE TABLE webhook_attempts (
        endpoint_id TEXT NOT NULL,
        at TEXT NOT NULL,
        message_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        event_type TEXT NOT NULL,
        outcome TEXT NOT NULL,
        status INTEGER,
        detail TEXT NOT NULL,
        keep_until INTEGER NOT NULL,
        PRIMARY KEY (endpoint_id, at, message_id, attempt)
    ) WITHOUT ROWID;
    """,
)

# A customer's row of `customer_orders` worked out from their orders (all customers'
# when `where` is empty): the first order by time, then by order id, as the report
# takes it, and how many orders share its month.
_CUSTOMER_ORDERS_OF = """
    INSERT INTO customer_orders SELECT customer_id, COUNT(*), COALESCE(SUM(goods_units), 0),
        COUNT(*) - COUNT(goods_units), first_at, first_id, first_goods,
        SUM(substr(placed_at, 1, 7) = substr(first_at, 1, 7)), MAX(placed_at),
        group_concat(DISTINCT substr(placed_at, 1, 7))
    FROM (SELECT customer_id, placed_at, goods_units,
            first_value(placed_at) OVER first AS first_at,
            first_value(order_id) OVER first AS first_id,
            first_value(goods_units) OVER first AS first_goods
        FROM orders {where}
        WINDOW first AS (PARTITION BY customer_id ORDER BY placed_at, order_id))
    GROUP BY customer_id;"""


def _customer_orders_again(row: str) -> str:
    """Statements working out again the `customer_orders` row of `row`'s customer."""
    return (
        f"DELETE FROM customer_orders WHERE customer_id = {row}.customer_id;"
        + _CUSTOMER_ORDERS_OF.format(where=f"WHERE customer_id = {row}.customer_id")
    )


# An order placed before the customer's first one (by time, then order id).
_EARLIER = (
    "(excluded.first_at < first_at"
    " OR (excluded.first_at = first_at AND excluded.first_id < first_id))"
)

MIGRATIONS += (
    """
    -- Each customer's orders summed up, so the owner's report reads one row per
    -- customer instead of every order: how many, their goods in units (and how
    -- many orders were kept without them, whose lines the report then reads),
    -- the first order (time, id, goods; ties go to the lower order id) and how
    -- many orders share its month, the last order's time, and the months
    -- (`YYYY-MM`, comma-separated, in no order) they bought in. Triggers keep
    -- it, like the day totals: a purchase adds to its customer's row, whenever
    -- it was placed; only a deletion or a change of an order works the row out
    -- again from the customer's orders.
    CREATE TABLE customer_orders (
        customer_id TEXT PRIMARY KEY,
        orders INTEGER NOT NULL,
        goods INTEGER NOT NULL,
        unknown INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        first_id TEXT NOT NULL,
        first_goods INTEGER,
        first_month_orders INTEGER NOT NULL,
        last_at TEXT NOT NULL,
        months TEXT NOT NULL
    ) WITHOUT ROWID;"""
    + _CUSTOMER_ORDERS_OF.format(where="")
    + f"""
    CREATE TRIGGER customer_orders_insert AFTER INSERT ON orders BEGIN
        INSERT INTO customer_orders VALUES (NEW.customer_id, 1, COALESCE(NEW.goods_units, 0),
            NEW.goods_units IS NULL, NEW.placed_at, NEW.order_id, NEW.goods_units, 1,
            NEW.placed_at, substr(NEW.placed_at, 1, 7))
        ON CONFLICT (customer_id) DO UPDATE SET orders = orders + 1,
            goods = goods + excluded.goods, unknown = unknown + excluded.unknown,
            first_at = CASE WHEN {_EARLIER} THEN excluded.first_at ELSE first_at END,
            first_id = CASE WHEN {_EARLIER} THEN excluded.first_id ELSE first_id END,
            first_goods = CASE WHEN {_EARLIER} THEN excluded.first_goods ELSE first_goods END,
            -- (SET reads the row as it was: `first_at` here is the first before this order.)
            -- An order in the first order's month is one more there, whether or not it is
            -- the new first; one before the first in an earlier month is alone in it.
            first_month_orders = CASE
                WHEN excluded.months = substr(first_at, 1, 7) THEN first_month_orders + 1
                WHEN {_EARLIER} THEN 1 ELSE first_month_orders END,
            last_at = max(last_at, excluded.last_at),
            months = CASE WHEN instr(months, excluded.months) THEN months
                ELSE months || ',' || excluded.months END;
    END;
    CREATE TRIGGER customer_orders_delete AFTER DELETE ON orders BEGIN
        {_customer_orders_again("OLD")}
    END;
    CREATE TRIGGER customer_orders_update
    AFTER UPDATE OF customer_id, order_id, placed_at, goods_units ON orders BEGIN
        {_customer_orders_again("OLD")}
        {_customer_orders_again("NEW")}
    END;
    """,
)


def _customer_points_again(row: str) -> str:
    """Statements working out again the `customer_points` row of `row`'s customer."""
    return (
        f"DELETE FROM customer_points WHERE customer_id = {row}.customer_id;"
        " INSERT INTO customer_points SELECT customer_id, SUM(points), MAX(at) FROM ledger"
        f" WHERE customer_id = {row}.customer_id GROUP BY customer_id;"
    )


MIGRATIONS += (
    f"""
    -- Each customer's points balance (every entry summed) and their latest
    -- entry's time, so the owner's report adds up the points held at a
    -- period's end from one row per customer: only customers with entries
    -- after the end have their entries read. Triggers keep it like
    -- `customer_orders`: an entry adds to its customer's row, a deleted or
    -- changed entry works the row out again from the customer's entries.
    CREATE TABLE customer_points (
        customer_id TEXT PRIMARY KEY,
        points INTEGER NOT NULL,
        last_at TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO customer_points SELECT customer_id, SUM(points), MAX(at) FROM ledger
        GROUP BY customer_id;
    CREATE TRIGGER customer_points_insert AFTER INSERT ON ledger BEGIN
        INSERT INTO customer_points VALUES (NEW.customer_id, NEW.points, NEW.at)
        ON CONFLICT (customer_id) DO UPDATE SET points = points + excluded.points,
            last_at = max(last_at, excluded.last_at);
    END;
    CREATE TRIGGER customer_points_delete AFTER DELETE ON ledger BEGIN
        {_customer_points_again("OLD")}
    END;
    CREATE TRIGGER customer_points_update AFTER UPDATE OF customer_id, points, at ON ledger
    BEGIN
        {_customer_points_again("OLD")}
        {_customer_points_again("NEW")}
    END;
    """,
)


MIGRATIONS += (
    """
    -- The entries that were pending when written (points earned inside the
    -- return window, and what cancels them), so a customer's standing sums
    -- the points still pending from these few instead of reading their whole
    -- ledger: the rest of the balance is `customer_points`' total.
    CREATE INDEX ledger_pending ON ledger(customer_id, available_at, points)
        WHERE available_at > at;
    """,
)


def statements(script: str) -> list[str]:
    """A migration's statements, in order: split at each `;` that ends one (not inside a
    trigger's body)."""
    found, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                found.append(pending.strip())
            pending = ""
    return found
