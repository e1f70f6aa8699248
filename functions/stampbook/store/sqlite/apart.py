"""An import's batches decided in forked worker processes while this one writes.

Deciding a batch (reading its customers, running the engine, encoding the
rows) is most of an import's work, and it holds the GIL; writing it is a
few `executemany` calls. With CPUs to spare, forked workers decide the
batches, each reading through a connection of its own, and this process
writes their rows in the batches' order, one durable transaction each, as
`commit_batch` would.

A worker's decision is written only if what it read still stands:
- no other connection has committed since the import began (`PRAGMA
  data_version`, checked inside each write transaction). Once one has (a
  till, say), the workers are stopped and every remaining batch is decided
  here, inside its write transaction;
- the batch shares no customer with one written before it in this import
  (`record_orders` cuts batches between customers; only one customer's long
  run spans several); else it is decided here, after that one;
- no row collides (an order id recorded for another customer meanwhile);
  else it is decided here, one request at a time if need be.
A batch a worker cannot decide by reading alone, or whose worker died, is
decided here too. So the outcomes are those of `commit_batch`, batch by batch.

SQLite connections must not cross a fork: workers are forked only from a
single thread while this process has no connection to the file open; each
opens its own and leaves with `os._exit`.
"""

from __future__ import annotations

import contextlib
import copy
import marshal
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, NoReturn

from ..base import Batch, Committed, IdempotencyConflict
from .connections import WriteTransaction
from .rows import write_rows

if TYPE_CHECKING:
    import sqlite3

    from .store import SqliteStore

MOST_WORKERS = 4


@dataclass(frozen=True)
class _Decided:
    customers: frozenset[str]
    outcomes: list[Committed | Exception]
    rows: dict[str, list[tuple[Any, ...]]]  # table -> rows, as `write_rows` takes them


class _Stale(Exception):
    """Another connection committed since the workers began reading."""


def workers_for(store: SqliteStore, batches: int) -> int:
    """How many workers to fork for `batches` batches; 0: decide them all here."""
    if batches < 2 or not hasattr(os, "fork") or threading.active_count() > 1:
        return 0
    if store.others_open():  # another connection to the file is open here
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wanted = store.import_workers if store.import_workers is not None else (cpus or 1)
    return min(wanted, MOST_WORKERS, batches) if wanted > 1 else 0


def commit_apart(
    store: SqliteStore, batches: list[Batch], workers: int
) -> Iterator[list[Committed | Exception]]:
    store.close()  # no connection to the file crosses the fork (see `workers_for`)
    go_read, go_write = os.pipe()
    receivers: list[Connection] = []
    pids: list[int] = []
    try:
        for first in range(workers):
            receiver, sender = Pipe(duplex=False)
            pid = os.fork()
            if pid == 0:
                for inherited in (*receivers, receiver):
                    inherited.close()
                os.close(go_write)
                _work(store, batches[first::workers], sender, go_read)
            sender.close()
            receivers.append(receiver)
            pids.append(pid)
        os.close(go_read)
        db = store.connection()
        began = _data_version(db)  # before any worker reads: they wait for this
        os.write(go_write, b"." * workers)
        yield from _write_in_order(store, db, began, batches, receivers, pids)
    finally:
        os.close(go_write)
        for receiver in receivers:
            receiver.close()
        _stop(pids)


def _write_in_order(
    store: SqliteStore,
    db: sqlite3.Connection,
    began: int,
    batches: list[Batch],
    receivers: list[Connection],
    pids: list[int],
) -> Iterator[list[Committed | Exception]]:
    written: set[str] = set()  # customers of the batches written so far
    for index, make in enumerate(batches):
        decided = _receive(receivers[index % len(receivers)]) if pids else None
        outcomes = None
        if decided is not None and written.isdisjoint(decided.customers):
            try:
                outcomes = _write(db, decided, began)
            except _Stale:
                _stop(pids)  # what the workers read may be outdated from now on
                pids.clear()
        if outcomes is not None:
            assert decided is not None
            store.decided_apart += 1
            written |= decided.customers
        else:
            items = make()
            outcomes = store.commit_batch(items)
            written.update(customer for customer, _, _ in items)
        yield outcomes


def _write(
    db: sqlite3.Connection, decided: _Decided, began: int
) -> list[Committed | Exception] | None:
    """The worker's outcomes once its rows are durable; None if a row collided."""
    try:
        with WriteTransaction(db):
            if _data_version(db) != began:
                raise _Stale
            write_rows(db, decided.rows)
    except IdempotencyConflict:
        return None
    return decided.outcomes


def _work(store: SqliteStore, batches: list[Batch], sender: Connection, go: int) -> NoReturn:
    code = 0
    try:
        if os.read(go, 1):  # nothing: the writer gave up before it began
            reader = copy.copy(store)
            # A connection of its own: the inherited `_local` stays referenced and unused.
            reader._local = threading.local()
            db = reader.connection()
            for make in batches:
                sender.send_bytes(_packed(_decide(reader, db, make)))
    except BaseException:
        code = 1
    finally:
        os._exit(code)  # no interpreter teardown: nothing inherited is closed or flushed


def _decide(store: SqliteStore, db: sqlite3.Connection, make: Batch) -> _Decided | None:
    """A batch decided on one snapshot; None leaves it to the writer (which meets any error)."""
    try:
        items = make()
        db.execute("BEGIN")
        try:
            outcomes, rows = store.decide(db, items, one_by_one=False, apart=True)
        finally:
            db.execute("ROLLBACK")
        return _Decided(frozenset(customer for customer, _, _ in items), outcomes, rows.encoded())
    except Exception:  # NeedsWriter, or an error the writer will meet itself
        return None


def _receive(receiver: Connection) -> _Decided | None:
    try:
        return _unpacked(receiver.recv_bytes())
    except (EOFError, OSError):  # the worker died: its batches are decided here
        return None


# A decision crosses the pipe as marshal's plain data where it can: a
# thousand orders' rows and answers take a few times less CPU to pack and
# unpack than with pickle, in the workers and in the writer alike. Refusals
# (exceptions) are pickled; anything marshal cannot hold sends it all pickled.
_PLAIN, _PICKLED, _NOTHING = b"m", b"p", b""


def _packed(decided: _Decided | None) -> bytes:
    if decided is None:
        return _NOTHING
    answers: list[tuple[dict[str, Any], bool] | None] = []
    refused: dict[int, Exception] = {}
    for index, outcome in enumerate(decided.outcomes):
        if isinstance(outcome, Committed):
            answers.append((outcome.result, outcome.replayed))
        else:
            answers.append(None)
            refused[index] = outcome
    try:
        plain = (list(decided.customers), decided.rows, answers, pickle.dumps(refused))
        return _PLAIN + marshal.dumps(plain)
    except ValueError:  # a value marshal does not know (a Decimal in an answer, say)
        pass
    try:
        return _PICKLED + pickle.dumps(decided)
    except Exception:  # e.g. a refusal that does not pickle: the writer decides the batch
        return _NOTHING


def _unpacked(data: bytes) -> _Decided | None:
    kind, body = data[:1], data[1:]
    if kind == _PICKLED:
        decided: _Decided = pickle.loads(body)
        return decided
    if kind != _PLAIN:
        return None
    customers, rows, answers, pickled = marshal.loads(body)
    refused: dict[int, Exception] = pickle.loads(pickled)
    outcomes: list[Committed | Exception] = [
        refused[index] if answer is None else Committed(*answer)
        for index, answer in enumerate(answers)
    ]
    return _Decided(frozenset(customers), outcomes, rows)


def _stop(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _data_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA data_version").fetchone()[0])
