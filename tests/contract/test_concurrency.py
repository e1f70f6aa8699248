"""Many tills at once: a purchase credits once, redemptions never overdraw.

Threads share one store object (one SQLite connection each, or one DynamoDB
client); processes open the same SQLite file or DynamoDB table on their
own, as separate Lambda-like workers would.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from stampbook.loyalty.errors import NotEnoughPoints
from stampbook.loyalty.ledger import EntryKind
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.services.loyalty import LoyaltyService
from tests.support.backends import Backend
from tests.support.paths import EXAMPLE

from .conftest import T0, customer

ORDER = Order("till-1-0042", T0, "RUB", (OrderLine("1", "beans", Decimal(1000)),))


def service(backend: Backend, rules: Rules) -> LoyaltyService:
    return LoyaltyService(backend.open(), rules, clock=lambda: T0)


def prepared(backend: Backend, rules: Rules, points: int = 0) -> LoyaltyService:
    loyalty = service(backend, rules)
    loyalty.store.add_customer(customer())
    if points:
        loyalty.adjust("c1", points, "opening balance", "opening")
    return loyalty


def _purchase_in_process(backend: Backend) -> dict[str, Any]:
    loyalty = service(backend, Rules.of(load_programme(EXAMPLE)))
    return loyalty.record_purchase("c1", ORDER).as_json()


def _redeem_in_process(args: tuple[Backend, int]) -> bool:
    backend, n = args
    loyalty = service(backend, Rules.of(load_programme(EXAMPLE)))
    try:
        loyalty.redeem("c1", "espresso", f"till-{n}")
    except NotEnoughPoints:
        return False
    return True


def test_one_purchase_sent_100_times_at_once_credits_once(backend: Backend, rules: Rules) -> None:
    loyalty = prepared(backend, rules)
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda _: loyalty.record_purchase("c1", ORDER), range(100)))
    history = loyalty.store.history("c1")
    earned = [e for e in history.entries if e.kind is EntryKind.EARN]
    assert len(earned) == 1
    assert earned[0].points == 100  # 1 000 ₽ of beans: 50 points, doubled
    assert len(history.orders) == 1
    assert all(answer.as_json() == answers[0].as_json() for answer in answers)


def test_one_purchase_from_8_processes_credits_once(backend: Backend, rules: Rules) -> None:
    loyalty = prepared(backend, rules)
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        answers = pool.map(_purchase_in_process, [backend] * 100)
    assert [e.points for e in loyalty.store.history("c1").entries] == [100]
    assert all(answer == answers[0] for answer in answers)


def test_50_redemptions_at_once_against_points_for_10(backend: Backend, rules: Rules) -> None:
    loyalty = prepared(backend, rules, points=10 * 120 + 119)

    def attempt(n: int) -> bool:
        try:
            loyalty.redeem("c1", "espresso", f"till-{n}")
        except NotEnoughPoints:
            return False
        return True

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    assert outcomes.count(True) == 10
    assert loyalty.store.history("c1").balance(T0).available == 119


def test_50_redemptions_from_processes_never_overdraw(backend: Backend, rules: Rules) -> None:
    loyalty = prepared(backend, rules, points=10 * 120)
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        outcomes = pool.map(_redeem_in_process, [(backend, n) for n in range(50)])
    assert outcomes.count(True) == 10
    assert loyalty.store.history("c1").balance(T0).available == 0
