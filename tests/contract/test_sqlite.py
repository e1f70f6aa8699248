"""What only the SQLite adapter promises: its file survives and migrates, and
commits arriving together share one durable COMMIT."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.loyalty.errors import NotEnoughPoints
from stampbook.loyalty.history import History
from stampbook.loyalty.ledger import Entry, EntryKind
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.feedback import Feedback, FeedbackReason
from stampbook.store.base import Change, Committed, IdempotencyConflict, Request
from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite import store as sqlite_store
from stampbook.store.sqlite.schema import MIGRATIONS

from .conftest import T0, customer


def test_reopening_a_database_keeps_everything_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    first = SqliteStore(path)
    first.add_customer(customer())
    first.close()
    again = SqliteStore(path)
    assert again.customer("c1") == customer()
    versions = [
        row[0] for row in again.connection().execute("SELECT version FROM schema_migrations")
    ]
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    again.close()


def test_a_database_from_before_the_clustered_ledger_migrates_with_its_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        old.executescript(script)
        old.execute("INSERT INTO schema_migrations VALUES (?)", (version,))
    at = T0.isoformat()
    old.execute(
        "INSERT INTO customers (customer_id, email, created_at) VALUES ('c1', 'a@example.com', ?)",
        (at,),
    )
    lines = '[["1", "beans", "900"]]'
    old.execute("INSERT INTO orders VALUES ('o1', 'c1', ?, 'RUB', '0', '0', ?)", (at, lines))
    old.execute("INSERT INTO refunds VALUES ('r1', 'o1', 'c1', ?, '{\"1\": \"100\"}', '0')", (at,))
    for key, points in (("earn:o1", 45), ("clawback:r1", -5), ("adjust:1", 3)):
        old.execute(
            "INSERT INTO ledger (customer_id, kind, points, at, available_at, idempotency_key,"
            " rules_version) VALUES ('c1', ?, ?, ?, ?, ?, 'v1')",
            ("adjust" if key.startswith("adjust") else "earn", points, at, at, key),
        )
    old.close()

    migrated = SqliteStore(path)
    history = migrated.history("c1")
    goods = (
        migrated.connection()
        .execute("SELECT goods_units FROM orders WHERE order_id='o1'")
        .fetchone()
    )
    assert goods[0] == 9_000_000  # 900 roubles, worked out from the lines

    assert [e.idempotency_key for e in history.entries] == ["earn:o1", "clawback:r1", "adjust:1"]
    db = migrated.connection()
    day = at[:10]
    assert [tuple(row) for row in db.execute("SELECT * FROM order_days")] == [
        (day, 1, 9_000_000, 0)
    ]
    assert [tuple(row) for row in db.execute("SELECT * FROM ledger_days ORDER BY kind")] == [
        (day, "adjust", 3, 1),
        (day, "earn", 40, 1),
    ]
    assert history.balance(T0).total == 43
    assert [o.order_id for o in history.orders] == ["o1"]
    assert [r.refund_id for r in history.refunds] == ["r1"]


Decide = Callable[[History], Change]


def _credit(key: str, points: int) -> Decide:
    entry = Entry(EntryKind.ADJUST, points, T0, T0, key, "v1", reason="goodwill")
    return lambda history: Change({"key": key}, (("c1", entry),))


def _broken(history: History) -> Change:
    raise ValueError("a bug in one request")


def _sender(store: SqliteStore, outcomes: dict[str, object]) -> Callable[[str, Decide], None]:
    """A caller committing `decide` under its key; what it hears goes to `outcomes`."""

    def send(key: str, decide: Decide) -> None:
        try:
            outcomes[key] = store.commit("c1", Request(key, key), decide)
        except Exception as error:
            outcomes[key] = error

    return send


def test_a_connection_set_aside_by_one_thread_serves_the_next_until_the_store_closes(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    used: list[sqlite3.Connection] = []

    def answer() -> None:  # a local server's thread: one HTTP connection, then gone
        assert store.customer("c1") == customer()
        used.append(store.connection())
        store.set_aside()

    for _ in range(3):
        thread = threading.Thread(target=answer)
        thread.start()
        thread.join()
    assert used[0] is used[1] is used[2]  # opened once, not once per thread
    assert store.others_open()  # kept open meanwhile: no worker may fork
    store.close()
    assert not store.others_open()
    with pytest.raises(sqlite3.ProgrammingError):
        used[0].execute("SELECT 1")
    assert store.customer("c1") == customer()  # a new one, opened as before


def test_commits_waiting_together_share_one_commit_and_fail_alone(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())

    def refused(history: History) -> Change:
        raise NotEnoughPoints("no")

    requests: list[tuple[str, Decide]] = [
        ("a", _credit("a", 5)),
        ("b", _broken),
        ("c", refused),
        ("d", _credit("d", 7)),
    ]
    outcomes: dict[str, object] = {}
    send = _sender(store, outcomes)

    commits_before = store.commits
    with store._queue:
        store._leading = True  # as if a group were being committed: all four queue up
    callers = [threading.Thread(target=send, args=request) for request in requests]
    for caller in callers:
        caller.start()
    while len(store._waiting) < len(requests):
        time.sleep(0.001)
    store._lead()  # what the caller committing would do next
    for caller in callers:
        caller.join()

    assert store.commits == commits_before + 1
    assert outcomes["a"] == Committed({"key": "a"})
    assert isinstance(outcomes["b"], ValueError)
    assert isinstance(outcomes["c"], NotEnoughPoints)
    assert outcomes["d"] == Committed({"key": "d"})
    assert store.history("c1").balance(T0).total == 12
    store.close()


def _committing_while(store: SqliteStore, late: list[tuple[str, Decide]]) -> dict[str, object]:
    """Commit "first"; while it is being written, the `late` requests arrive."""
    outcomes: dict[str, object] = {}
    send = _sender(store, outcomes)
    callers = [threading.Thread(target=send, args=request) for request in late]

    def first(history: History) -> Change:
        if callers[0].ident is None:  # not again when the group is redone one by one
            for caller in callers:
                caller.start()
            while len(store._waiting) < len(late):  # all queued behind the group in progress
                time.sleep(0.001)
        return _credit("first", 1)(history)

    send("first", first)
    for caller in callers:
        caller.join()
    return outcomes


def test_requests_arriving_while_a_group_is_written_join_its_commit(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    commits_before = store.commits

    outcomes = _committing_while(store, [("a", _credit("a", 5)), ("b", _credit("b", 7))])

    assert store.commits == commits_before + 1
    assert outcomes == {
        "first": Committed({"key": "first"}),
        "a": Committed({"key": "a"}),
        "b": Committed({"key": "b"}),
    }
    assert store.history("c1").balance(T0).total == 13
    store.close()


def test_a_fault_in_a_late_request_leaves_the_group_it_joined_standing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())

    outcomes = _committing_while(store, [("a", _credit("a", 5)), ("b", _broken)])

    assert outcomes["first"] == Committed({"key": "first"})
    assert outcomes["a"] == Committed({"key": "a"})
    assert isinstance(outcomes["b"], ValueError)
    assert store.history("c1").balance(T0).total == 6
    store.close()


def test_a_group_takes_no_more_than_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "GROUP_LIMIT", 2)
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    commits_before = store.commits

    outcomes = _committing_while(store, [(key, _credit(key, 1)) for key in "abc"])

    assert store.commits == commits_before + 2  # "first" and one joined; then the other two
    assert all(isinstance(outcome, Committed) for outcome in outcomes.values())
    assert store.history("c1").balance(T0).total == 4
    store.close()


def test_requests_stored_with_full_fingerprints_still_replay_and_conflict(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    store.connection().execute(
        "INSERT INTO requests (key, fingerprint, result, at) VALUES"
        " ('adjust:old', 'same-content', '{\"points\": 5}', ?)",
        (T0.isoformat(),),
    )

    def never(history: History) -> Change:
        raise AssertionError("a stored request is answered, not decided again")

    assert store.commit("c1", Request("adjust:old", "same-content"), never) == Committed(
        {"points": 5}, replayed=True
    )
    with pytest.raises(IdempotencyConflict):
        store.commit("c1", Request("adjust:old", "other-content"), never)
    stored = store.connection().execute("SELECT fingerprint FROM requests").fetchone()[0]
    assert stored == "same-content"  # old rows are read as they are, never rewritten
    store.close()


def test_new_requests_keep_a_16_byte_fingerprint_that_tells_retries_apart(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    entry = Entry(EntryKind.ADJUST, 5, T0, T0, "adjust:1", "v1", reason="goodwill")
    change = Change({"points": 5}, (("c1", entry),))

    store.commit("c1", Request("adjust:1", "content"), lambda history: change)

    stored = store.connection().execute("SELECT fingerprint FROM requests").fetchone()[0]
    assert isinstance(stored, bytes)
    assert len(stored) == 16
    replay = store.commit("c1", Request("adjust:1", "content"), lambda history: change)
    assert replay == Committed({"points": 5}, replayed=True)
    with pytest.raises(IdempotencyConflict):
        store.commit("c1", Request("adjust:1", "changed"), lambda history: change)
    store.close()


def test_an_order_keeps_its_goods_total_for_the_reports(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customer(customer())
    lines = (OrderLine("1", "beans", Decimal("10.50")), OrderLine("2", "tea", Decimal("2.25")))
    order = Order("o1", T0, "RUB", lines)
    odd = Order("o2", T0, "RUB", (OrderLine("1", "beans", Decimal("0.00001")),))
    store.commit("c1", Request("purchase:o1", "f1"), lambda h: Change({}, order=order))
    store.commit("c1", Request("purchase:o2", "f2"), lambda h: Change({}, order=odd))
    kept = dict(store.connection().execute("SELECT order_id, goods_units FROM orders"))
    assert kept == {"o1": 127_500, "o2": None}  # too fine to keep exactly: the lines decide
    store.close()


def test_a_customer_is_found_by_card_code_through_the_index_not_by_reading_everyone(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.add_customers(
        [
            replace(customer(f"c{n}", f"c{n}@example.com"), referral_code=f"CODE{n:04}")
            for n in range(3000)
        ]
    )
    steps = []
    store.connection().set_progress_handler(lambda: steps.append(1), 100)  # every 100 VM steps

    found = store.customer_by_code("CODE2999")

    assert found is not None
    assert found.customer_id == "c2999"
    assert len(steps) <= 1  # a scan of the 3 000 takes 90


def test_an_erased_customer_leaves_no_trace_in_the_database_files(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    store = SqliteStore(path)
    email, name, said = "zinaida.erased@example.com", "Зинаида Стёртая", "мне нагрубил бариста"
    store.add_customer(replace(customer("z1", email), name=name))
    store.add_customer(customer("a1", "anna@example.com"))
    store.record_consent("z1", ConsentRecord(ConsentStatus.CONFIRMED, T0, "site", "v1", "10.0.0.9"))
    store.record_feedback(Feedback("order:o1", "z1", FeedbackReason.OTHER, T0, said, "o1"))
    written = b"".join(f.read_bytes() for f in tmp_path.iterdir())
    secrets = [text.encode() for text in (email, name, said)]
    assert all(secret in written for secret in secrets)  # on disk before: the check can see

    assert store.erase_customer("z1")
    on_disk = b"".join(f.read_bytes() for f in tmp_path.iterdir())
    assert [secret for secret in secrets if secret in on_disk] == []
    assert store.customer_by_email("anna@example.com") is not None


def test_spent_rate_counters_and_holds_are_deleted_by_the_nightly_sweep(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "stampbook.db")
    now = 1_800_000_000
    store.count_hit("ip:x:1", now + 60)
    store.count_hit("ip:x:2", now + 120)
    store.hold("confirm:abc", now, now + 30)
    assert store.forget_limits(now + 60) == 2
    with sqlite3.connect(tmp_path / "stampbook.db") as db:
        assert db.execute("SELECT key FROM limits").fetchall() == [("ip:x:2",)]
    store.close()


def test_the_day_totals_follow_every_order_and_entry_written_moved_or_deleted(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    db = store.connection()
    db.executemany(
        "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax, lines,"
        " goods_units) VALUES (?, ?, ?, 'RUB', '0', '0', '[]', ?)",
        [
            ("c1", "o1", "2026-01-05T10:00:00+00:00", 100),
            ("c1", "o2", "2026-01-05T23:59:59+00:00", None),  # its goods only in its lines
            ("c2", "o3", "2026-01-06T00:00:00+00:00", 50),
            ("c2", "o4", "2026-01-07T00:00:00+00:00", 7),
        ],
    )
    db.executemany(
        "INSERT INTO ledger (customer_id, idempotency_key, seq, kind, points, at, available_at,"
        " rules_version) VALUES (?, ?, ?, ?, ?, ?, ?, 'v1')",
        [
            ("c1", "k1", 1, "earn", 10, "2026-01-05T10:00:00+00:00", "2026-01-05"),
            ("c1", "k2", 2, "referral", -4, "2026-01-05T11:00:00+00:00", "2026-01-05"),
            ("c2", "k3", 1, "referral", 6, "2026-01-05T12:00:00+00:00", "2026-01-05"),
            ("c2", "k4", 2, "earn", 3, "2026-01-06T12:00:00+00:00", "2026-01-06"),
        ],
    )
    db.execute("UPDATE orders SET placed_at = '2026-01-06T09:00:00+00:00' WHERE order_id = 'o1'")
    db.execute("UPDATE orders SET goods_units = 20 WHERE order_id = 'o2'")
    db.execute("DELETE FROM orders WHERE order_id = 'o4'")
    db.execute("UPDATE ledger SET kind = 'adjust', points = 2 WHERE idempotency_key = 'k4'")
    db.execute("DELETE FROM ledger WHERE idempotency_key = 'k1'")
    db.execute("INSERT OR IGNORE INTO ledger SELECT * FROM ledger")  # nothing new: no change

    def rows(sql: str) -> list[tuple[object, ...]]:
        return [tuple(row) for row in db.execute(sql)]

    kept = rows("SELECT day, orders, goods, unknown FROM order_days WHERE orders != 0 ORDER BY day")
    assert kept == rows(
        "SELECT substr(placed_at, 1, 10), COUNT(*), COALESCE(SUM(goods_units), 0),"
        " COUNT(*) - COUNT(goods_units) FROM orders GROUP BY 1 ORDER BY 1"
    )
    assert kept == [("2026-01-05", 1, 20, 0), ("2026-01-06", 2, 150, 0)]
    entries = rows(
        "SELECT day, kind, points, given FROM ledger_days WHERE points != 0 OR given != 0"
        " ORDER BY day, kind"
    )
    assert entries == rows(
        "SELECT substr(at, 1, 10), kind, SUM(points), SUM(points > 0) FROM ledger"
        " GROUP BY 1, 2 ORDER BY 1, 2"
    )
    assert entries == [
        ("2026-01-05", "referral", 2, 1),
        ("2026-01-06", "adjust", 2, 1),
    ]
    store.close()
