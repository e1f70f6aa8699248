"""Properties of the ledger over random lives: purchases, refunds, rewards, corrections,
nightly runs and time passing, under the example programme's rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from stampbook.loyalty.calendar import months_before
from stampbook.loyalty.daily import run_daily
from stampbook.loyalty.errors import InvalidAdjustment, NotEnoughPoints
from stampbook.loyalty.history import Certificate, History
from stampbook.loyalty.ledger import EntryKind
from stampbook.loyalty.orders import (
    Order,
    OrderLine,
    Refund,
    points_for,
    qualifying_spend,
    remaining_lines,
)
from stampbook.loyalty.purchases import record_purchase, record_refund
from stampbook.loyalty.spending import adjust, redeem

from .simulate import (
    MSK,
    add_entries,
    apply_daily,
    apply_purchase,
    apply_refund,
    example_rules,
)

RULES = example_rules()
CATEGORIES = ("beans", "drinks", "equipment", "gift-cards")
CENT = Decimal("0.01")

# --- Events ---


@dataclass(frozen=True)
class Buy:
    lines: tuple[tuple[str, Decimal], ...]
    shipping: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Return:
    """A refund of the `pick`-th order: everything left, or a share of each line and the tax."""

    pick: int
    full: bool
    shares: tuple[int, ...]  # percent of what is left of each line, cycled
    tax_share: int


@dataclass(frozen=True)
class Spend:
    reward_id: str


@dataclass(frozen=True)
class Correct:
    points: int


@dataclass(frozen=True)
class Night:
    pass


@dataclass(frozen=True)
class Wait:
    """Time passes; with `night`, the nightly run happens at the end of it."""

    hours: int
    night: bool


@dataclass(frozen=True)
class Replay:
    """Send the `pick`-th earlier request again, with the same id and key."""

    pick: int


Event = Buy | Return | Spend | Correct | Night | Wait | Replay

kopecks = st.integers(1, 2_500_000).map(lambda k: Decimal(k) * CENT)
money = st.one_of(
    st.integers(1, 2_000).map(Decimal),  # whole roubles: a coffee, a bag of beans
    st.integers(1_000, 25_000).map(Decimal),  # a grinder, a machine
    kopecks,
)
buys = st.builds(
    Buy,
    lines=st.lists(st.tuples(st.sampled_from(CATEGORIES), money), min_size=1, max_size=4).map(
        tuple
    ),
    shipping=st.sampled_from([Decimal(0), Decimal(350), Decimal("199.90")]),
    tax=st.one_of(st.just(Decimal(0)), st.integers(0, 300_000).map(lambda k: Decimal(k) * CENT)),
)
# Big purchases a few days to weeks apart: spend that reaches certificates and tiers.
big_buys = st.builds(
    Buy,
    lines=st.lists(
        st.tuples(st.sampled_from(CATEGORIES), st.integers(2_000, 15_000).map(Decimal)),
        min_size=1,
        max_size=3,
    ).map(tuple),
    shipping=st.just(Decimal(0)),
    tax=st.just(Decimal(0)),
)
short_waits = st.builds(
    Wait, hours=st.integers(1, 40).map(lambda days: days * 24), night=st.just(True)
)
returns = st.builds(
    Return,
    pick=st.integers(0, 50),
    full=st.booleans(),
    shares=st.lists(st.integers(0, 100), min_size=1, max_size=4).map(tuple),
    tax_share=st.integers(0, 100),
)
waits = st.builds(
    Wait,
    hours=st.one_of(
        st.integers(1, 48),
        st.integers(1, 30).map(lambda days: days * 24),
        st.integers(100, 400).map(lambda days: days * 24),  # long enough for points to expire
    ),
    night=st.sampled_from([True, True, True, False]),
)


def events(*, replays: bool, spenders: bool) -> st.SearchStrategy[Event]:
    """Mostly purchases and time passing, so that points become available, certificates
    are earned and points expire; refunds, rewards, corrections and nights in between.

    `spenders` buy big every few days or weeks: certificates and higher tiers.
    """
    kinds: dict[str, tuple[int, st.SearchStrategy[Event]]] = {
        "buy": (4, big_buys if spenders else buys),
        "return": (3, returns),
        "spend": (2, st.sampled_from(sorted(RULES.rewards)).map(Spend)),
        "correct": (1, st.integers(-600, 600).filter(bool).map(Correct)),
        "night": (2, st.just(Night())),
        "wait": (4, short_waits if spenders else waits),
        "replay": (2 if replays else 0, st.integers(0, 50).map(Replay)),
    }
    weighted = [kind for kind, (weight, _) in kinds.items() for _ in range(weight)]
    return st.sampled_from(weighted).flatmap(lambda kind: kinds[kind][1])


@dataclass(frozen=True)
class Life:
    start: datetime
    birthday_in_days: int  # the birthday comes this many days after the start
    known_days: int
    referred: bool
    events: tuple[Event, ...]
    resend: bool = False  # every accepted request is also sent a second time at once


def lives(*, replays: bool = False, spenders: bool | None = None) -> st.SearchStrategy[Life]:
    """A customer's life from a moment in 2026-2027; by default an ordinary customer's or a
    big spender's.

    With `replays`, every accepted request is sent again at once, and `Replay`
    events send earlier ones again later.
    """
    if spenders is None:
        return st.one_of(
            lives(replays=replays, spenders=False), lives(replays=replays, spenders=True)
        )
    return st.builds(
        Life,
        start=st.datetimes(
            min_value=datetime(2026, 1, 1),
            max_value=datetime(2027, 12, 31),
            timezones=st.just(MSK),
        ),
        birthday_in_days=st.integers(0, 400),
        known_days=st.integers(0, 60),
        referred=st.booleans(),
        events=st.lists(events(replays=replays, spenders=spenders), min_size=10, max_size=50).map(
            tuple
        ),
        resend=st.just(replays),
    )


# --- Playing a life ---


@dataclass(frozen=True)
class Request:
    """A request the engine accepted once: what to send again to replay it."""

    kind: str
    order: Order | None = None
    refund: Refund | None = None
    reward_id: str = ""
    points: int = 0
    key: str = ""


@dataclass(frozen=True)
class Step:
    """One event of a life: the state before and after it, at `now`."""

    event: Event
    now: datetime
    before: History
    after: History
    replayed: Request | Night | None = None  # what was sent a second time, if anything
    issued: tuple[Certificate, ...] = ()
    refused: bool = False  # the engine refused the request


@dataclass
class World:
    history: History
    now: datetime
    accepted: list[Request] = field(default_factory=list)
    codes: int = 0
    requests: int = 0

    def new_code(self) -> str:
        self.codes += 1
        return f"CODE-{self.codes}"


def share(amount: Decimal, percent: int) -> Decimal:
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_DOWN)


def refund_for(world: World, event: Return, refund_id: str) -> Refund | None:
    history = world.history
    if not history.orders:
        return None
    order = history.orders[event.pick % len(history.orders)]
    earlier = history.refunds_of(order.order_id)
    left = remaining_lines(order, earlier)
    tax_left = max(order.tax - sum((r.tax for r in earlier), Decimal(0)), Decimal(0))
    if event.full:
        lines = {line.line_id: line.amount for line in left if line.amount > 0}
        tax = tax_left
    else:
        lines = {}
        for n, line in enumerate(left):
            amount = share(line.amount, event.shares[n % len(event.shares)])
            if amount > 0:
                lines[line.line_id] = amount
        tax = share(tax_left, event.tax_share)
    if not lines and tax <= 0:
        return None
    return Refund(refund_id, order.order_id, world.now, lines, tax)


def make_request(world: World, event: Buy | Return | Spend | Correct) -> Request | None:
    world.requests += 1
    n = world.requests
    if isinstance(event, Buy):
        order_id = f"O{n}"
        lines = tuple(
            OrderLine(f"{order_id}-{k}", category, amount)
            for k, (category, amount) in enumerate(event.lines, start=1)
        )
        order = Order(order_id, world.now, "RUB", lines, event.shipping, event.tax)
        return Request("buy", order=order)
    if isinstance(event, Return):
        refund = refund_for(world, event, f"R{n}")
        return None if refund is None else Request("refund", refund=refund)
    if isinstance(event, Spend):
        return Request("redeem", reward_id=event.reward_id, key=f"redeem:{n}")
    return Request("adjust", points=event.points, key=f"adjust:{n}")


def send(world: World, request: Request) -> History | None:
    """The state after the engine's decision is applied; None if the engine refused.

    The engine refuses only what the rules forbid: a reward or a correction
    beyond the available points.
    """
    history, now = world.history, world.now
    available = history.balance(now).available
    if request.kind == "buy":
        assert request.order is not None
        outcome = record_purchase(RULES, history, request.order, now)
        return apply_purchase(history, request.order, outcome)
    if request.kind == "refund":
        assert request.refund is not None
        entries = record_refund(RULES, history, request.refund, now)
        return apply_refund(history, request.refund, entries)
    if request.kind == "redeem":
        try:
            entry = redeem(RULES, history, request.reward_id, now, request.key)
        except NotEnoughPoints:
            assert RULES.rewards[request.reward_id].points > available
            return None
        return add_entries(history, [entry])
    try:
        entry = adjust(RULES, history, request.points, "a correction", now, request.key)
    except InvalidAdjustment:
        assert request.points < 0
        assert available + request.points < 0
        return None
    return add_entries(history, [entry])


def live(life: Life) -> Iterator[Step]:
    """Play the life's events, yielding a step for each; every nightly run is sent twice."""
    world = World(
        History(
            "cust",
            birthday=(life.start + timedelta(days=life.birthday_in_days)).date().replace(year=1992),
            birthday_known_since=life.start - timedelta(days=life.known_days),
            referred_by="friend" if life.referred else None,
        ),
        life.start,
    )
    for event in life.events:
        before, now = world.history, world.now
        if isinstance(event, Wait):
            world.now += timedelta(hours=event.hours)
            yield Step(event, world.now, before, before)
            if event.night:
                yield from night(world, event)
        elif isinstance(event, Night):
            yield from night(world, event)
        elif not isinstance(event, Replay):
            request = make_request(world, event)
            after = None if request is None else send(world, request)
            if request is not None and after is not None:
                world.accepted.append(request)
                world.history = after
            refused = request is not None and after is None
            yield Step(event, now, before, world.history, refused=refused)
            if request is not None and after is not None and life.resend:
                yield resend(world, event, request)
        elif world.accepted:
            yield resend(world, event, world.accepted[event.pick % len(world.accepted)])


def resend(world: World, event: Event, request: Request) -> Step:
    """Send an accepted request again, with the same ids and keys."""
    before = world.history
    after = send(world, request)
    world.history = before if after is None else after
    return Step(event, world.now, before, world.history, replayed=request, refused=after is None)


def night(world: World, event: Night | Wait) -> Iterator[Step]:
    """The nightly run, and the same run sent again at once."""
    before, now = world.history, world.now
    outcome = run_daily(RULES, before, now, world.new_code)
    world.history = apply_daily(before, outcome)
    yield Step(event, now, before, world.history, issued=outcome.certificates)
    once = world.history
    again = run_daily(RULES, once, now, world.new_code)
    world.history = apply_daily(once, again)
    yield Step(event, now, once, world.history, replayed=Night(), issued=again.certificates)


def ledger(history: History) -> list[tuple[str, int]]:
    return [(entry.kind.value, entry.points) for entry in history.entries]


def taken(history: History, kind: EntryKind) -> int:
    """Points that left the balance through entries of `kind` (a positive number)."""
    return -sum(entry.points for entry in history.entries_of(kind) if entry.points < 0)


# --- The properties ---

FAST = settings(max_examples=120, deadline=None)


@FAST
@given(lives())
def test_the_balance_is_always_the_sum_of_the_ledger(life: Life) -> None:
    for step in live(life):
        history = step.after
        balance = history.balance(step.now)
        assert balance.total == sum(entry.points for entry in history.entries)
        assert balance.available + balance.pending == balance.total
        assert balance.pending >= 0, f"pending {balance.pending}: {ledger(history)}"
        keys = Counter(entry.idempotency_key for entry in history.entries)
        assert max(keys.values(), default=1) == 1
        years = Counter(
            entry.at.astimezone(MSK).year for entry in history.entries_of(EntryKind.BIRTHDAY)
        )
        assert max(years.values(), default=1) == 1, "two birthday bonuses in one year"


@FAST
@given(lives())
def test_available_points_go_below_zero_only_by_points_already_spent(life: Life) -> None:
    """A clawback may take the balance below zero by no more than the points spent on
    rewards: points that expired or were corrected away are not taken twice."""
    for step in live(life):
        history = step.after
        available = history.balance(step.now).available
        redeemed = taken(history, EntryKind.REDEEM)
        assert available >= -redeemed, (
            f"available {available} is below zero by more than the {redeemed} points spent "
            f"on rewards; ledger: {ledger(history)}"
        )


@FAST
@given(lives(replays=True))
def test_sending_any_request_again_changes_nothing(life: Life) -> None:
    for step in live(life):
        if step.replayed is not None:
            assert not step.refused, f"sending {step.replayed} again was refused"
            assert step.issued == () or all(c in step.before.certificates for c in step.issued), (
                f"sending {step.replayed} again issued {step.issued}"
            )
            assert step.after == step.before, f"sending {step.replayed} again changed the state"


@FAST
@given(lives())
def test_a_refunded_order_keeps_exactly_the_points_of_what_was_not_returned(life: Life) -> None:
    """In particular an order refunded in full keeps no points: EARN + CLAWBACK == 0.

    The one exception is by design: once points expired or were corrected away,
    a later refund does not take them a second time, so the order may keep more
    (never less) than its unreturned part earns.
    """
    earning = RULES.loyalty.earning
    for step in live(life):
        history = step.after
        lost_otherwise = any(
            entry.kind is EntryKind.EXPIRE or (entry.kind is EntryKind.ADJUST and entry.points < 0)
            for entry in history.entries
        )
        for order in history.orders:
            refunds = history.refunds_of(order.order_id)
            left = remaining_lines(order, refunds)
            tax_left = max(order.tax - sum((r.tax for r in refunds), Decimal(0)), Decimal(0))
            earned = list(history.entries_of(EntryKind.EARN, order.order_id))
            clawed = list(history.entries_of(EntryKind.CLAWBACK, order.order_id))
            kept = sum(entry.points for entry in (*earned, *clawed))
            multiplier = earned[0].multiplier or Decimal(1) if earned else Decimal(1)
            deserved = points_for(left, tax_left, earning, multiplier)
            assert deserved <= kept <= sum(entry.points for entry in earned), (
                f"{order.order_id} keeps {kept} points; what is left of it earns {deserved}"
            )
            if not lost_otherwise:
                assert kept == deserved, (
                    f"{order.order_id} keeps {kept} points; what is left of it earns {deserved}"
                )


@FAST
@given(lives(spenders=True))
def test_certificates_never_use_the_same_spend_twice(life: Life) -> None:
    """Each certificate uses exactly the rule's spend (plus any refunded spend of an earlier
    certificate it makes good), from orders that are final and inside the window, and never
    more of an order than its net qualifying spend when issued."""
    days = RULES.loyalty.pending.days
    for step in live(life):
        history = step.after
        for certificate in step.issued:
            rule = next(r for r in RULES.loyalty.certificates if r.id == certificate.rule_id)
            used = sum(amount for _, amount in certificate.consumed)
            assert used == rule.spend + certificate.settled
            assert certificate.issued_at == step.now
            assert certificate.expires_at == step.now + timedelta(days=rule.valid_days)
            since = months_before(step.now, rule.within_months)
            for order_id, amount in certificate.consumed:
                order = history.order(order_id)
                assert order is not None
                assert amount > 0
                assert since < order.placed_at <= step.now - timedelta(days=days), (
                    f"{certificate.certificate_id} used {order_id} placed {order.placed_at}"
                )
                used = sum(
                    part
                    for issued in history.certificates
                    if issued.rule_id == rule.id
                    for oid, part in issued.consumed
                    if oid == order_id
                )
                lines = remaining_lines(order, history.refunds_of(order_id))
                net = qualifying_spend(lines, RULES.loyalty.earning)
                assert used <= net, (
                    f"certificates of {rule.id} used {used} of {order_id}, whose net "
                    f"qualifying spend is {net}: spend counted twice"
                )
        for order in history.orders:
            used = sum(
                part
                for issued in history.certificates
                for oid, part in issued.consumed
                if oid == order.order_id
            )
            assert used <= qualifying_spend(order.lines, RULES.loyalty.earning)


def test_an_order_sent_again_after_an_upgrade_earns_nothing_more() -> None:
    """Found by the replay property: an order too small for a point at the guest
    rate would round to one at the regular's; sent again after the upgrade, it
    must still earn nothing."""
    now = datetime(2026, 1, 1, 3, tzinfo=MSK)
    small = Order(
        "O5", now, "RUB", (OrderLine("O5-1", "drinks", Decimal("14.89")),), tax=Decimal("1.11")
    )
    regular = History("cust", tier="regular")
    assert record_purchase(RULES, regular, small, now).entries != ()  # new: it earns at 1.25

    assert record_purchase(RULES, replace(regular, orders=(small,)), small, now).entries == ()
