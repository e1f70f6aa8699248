"""Loyalty use cases: purchases, refunds, redemptions, adjustments, certificates, the nightly run.

Each one is a single `store.commit`: the store serialises writers per
customer, the pure engine decides, and the request key makes a retry
return the first answer. Answers are typed (`services.results`); the store
keeps each as its JSON, and a use case reads it back from there, retry or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from ..loyalty.calendar import birthday_in
from ..loyalty.daily import expiry_after, last_activity, run_daily
from ..loyalty.errors import LoyaltyError
from ..loyalty.history import Certificate, History
from ..loyalty.ledger import Entry
from ..loyalty.orders import Order, Refund
from ..loyalty.purchases import record_purchase, record_refund
from ..loyalty.quiet import quiet_until
from ..loyalty.referrals import (
    ReferralBonus,
    may_take_back,
    referral_due,
    referred_key,
    referrer_share,
    taken_back_from_referred,
    taken_back_from_referrer,
)
from ..loyalty.rules import Rules
from ..loyalty.spending import adjust, redeem
from ..loyalty.standing import Standing
from ..metrics import Metric, count
from ..records.automation_sends import Automation
from ..records.customers import EVERYONE, CustomerRange, random_code
from ..records.owed_emails import OwedEmail
from ..records.webhooks import WebhookEndpoint
from ..store.base import Change, Committed, Item, Quiet, Reads, Request, Store
from ..webhooks import events as webhook
from .fingerprint import fingerprint, order_fingerprint
from .results import (
    Adjusted,
    CertificateHeld,
    CertificateRedeemed,
    DailyRun,
    ExpiryNotice,
    LedgerLine,
    PurchaseRecorded,
    Redeemed,
    RefundRecorded,
    Statement,
    Summary,
)
from .webhooks import Webhooks


def new_certificate_code() -> str:
    """12 random characters (60 bits): unguessable, and easy to read out at the counter."""
    raw = random_code(12)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class CertificateNotUsable(LoyaltyError):
    code = "certificate_not_usable"


class LoyaltyEvents(Protocol):
    """Told after a change is committed (the automatic emails listen); never fails it.

    A retried request tells again with the first answer, so listeners must
    act once per occasion themselves.
    """

    def owed(
        self,
        automation: Automation,
        customer_id: str,
        result: PurchaseRecorded | RefundRecorded,
        now: datetime,
    ) -> OwedEmail | None:
        """The automatic email a change with this answer owes, if configured; written in
        the change's own transaction, so it is decided without any I/O."""
        ...

    def purchase_recorded(self, customer_id: str, result: PurchaseRecorded) -> None: ...
    def refund_recorded(self, customer_id: str, result: RefundRecorded) -> None: ...
    def daily_done(self, customer_id: str, result: DailyRun) -> None: ...


@runtime_checkable
class NightlyBatches(Protocol):
    """A listener that gathers what a whole night calls for (the automatic emails) and
    writes its claims in batches."""

    def batched(self) -> AbstractContextManager[None]:
        """While open, what `daily_done` gathers is sent a batch at a time, the last
        one on leaving; outside it, at once."""
        ...


@runtime_checkable
class NightlyWatch(Protocol):
    """What a listener (the automatic emails) adds to a customer's quiet nights."""

    def nightly_key(self, now: datetime) -> str | None:
        """What its part of tonight's decisions rests on (its settings); None when every
        customer must be visited tonight (a holiday greets everyone)."""
        ...

    def quiet_until(self, customer_id: str, result: DailyRun, now: datetime) -> datetime | None:
        """When it could next want anything for a customer with nothing due tonight
        (`quiet.NEVER`: never); None when it may want something now."""
        ...


@dataclass
class LoyaltyService:
    store: Store
    rules: Rules
    clock: Callable[[], datetime]
    new_code: Callable[[], str] = new_certificate_code
    events: LoyaltyEvents | None = None
    # The webhooks that hear of points earned, rewards, certificates and tiers.
    webhooks: Webhooks = field(init=False)

    def __post_init__(self) -> None:
        self.webhooks = Webhooks(self.store, lambda: self.clock())

    def record_purchase(self, customer_id: str, order: Order) -> PurchaseRecorded:
        """Credit an order once; the same order id again returns the first answer.

        One purchase at a time (the till, the counter) is told to `events` and
        to the webhooks; imports (`record_purchases`) are history, and tell nobody.
        """
        endpoints = self.webhooks.endpoints()
        owner, request, decide = self._purchase(
            customer_id, order, self.clock(), live=True, endpoints=endpoints
        )
        committed = self._commit(owner, request, decide, endpoints)
        result = PurchaseRecorded.from_json(committed.result)
        if not committed.replayed:
            count(Metric.PURCHASES)
        if self.events is not None:
            self.events.purchase_recorded(customer_id, result)
        return result

    def _commit(
        self,
        customer_id: str,
        request: Request,
        decide: Callable[[History], Change],
        endpoints: tuple[WebhookEndpoint, ...],
    ) -> Committed:
        """`store.commit`, then the webhook courier woken if the change owes it deliveries
        (the nightly run visits everyone: most of its changes owe nothing)."""
        owes = False

        def deciding(history: History) -> Change:
            nonlocal owes
            change = decide(history)
            owes = bool(change.webhooks)  # the last decision is the one written
            return change

        committed = self.store.commit(customer_id, request, deciding if endpoints else decide)
        if owes and not committed.replayed:
            self.webhooks.wake()
        return committed

    def _owed(
        self, automation: Automation, customer_id: str, result: PurchaseRecorded | RefundRecorded
    ) -> OwedEmail | None:
        """The automatic email a change with this answer owes, if `events` wants one."""
        if self.events is None:
            return None
        return self.events.owed(automation, customer_id, result, self.clock())

    def record_purchases(self, purchases: list[tuple[str, Order]]) -> list[Committed | Exception]:
        """Many purchases in one durable transaction (imports); each stands or fails alone."""
        return self.store.commit_batch(self.purchase_items(purchases, self.clock()))

    def purchase_items(self, purchases: list[tuple[str, Order]], now: datetime) -> list[Item]:
        """What the store commits for each purchase (imports make batches of them)."""
        return [self._purchase(customer_id, order, now) for customer_id, order in purchases]

    def _purchase(
        self,
        customer_id: str,
        order: Order,
        now: datetime,
        live: bool = False,
        endpoints: tuple[WebhookEndpoint, ...] = (),
    ) -> tuple[str, Request, Callable[[History], Change]]:
        """The commit of one purchase; `live` (not imported): pending from now at the
        earliest, with the thank-you it owes and the webhooks `endpoints` want."""

        def decide(history: History) -> Change:
            outcome = record_purchase(self.rules, history, order, now, live=live)
            result = PurchaseRecorded(
                order_id=order.order_id,
                points=sum(entry.points for entry in outcome.entries),
                available_at=outcome.entries[0].available_at if outcome.entries else now,
                tier=outcome.tier,
                free_shipping=outcome.free_shipping,
            )
            return Change(
                result=result.as_json(),
                entries=tuple((customer_id, entry) for entry in outcome.entries),
                order=order,
                tier=outcome.tier,
                tier_changed=outcome.tier != history.tier,
                tier_spend=outcome.tier_spend,
                owed=self._owed(Automation.THANK_YOU, customer_id, result) if live else None,
                webhooks=self.webhooks.owing(
                    _purchase_events(customer_id, result, history.tier, now), endpoints
                )
                if endpoints
                else (),
            )

        request = Request(
            f"purchase:{order.order_id}",
            order_fingerprint(customer_id, order),
            Reads.TIER_SPEND,
            order.order_id,
        )
        return customer_id, request, decide

    def record_refund(self, customer_id: str, refund: Refund) -> RefundRecorded:
        now = self.clock()

        def decide(history: History) -> Change:
            entries = record_refund(self.rules, history, refund, now)
            bonuses = self._referral_taken_back(history, refund, now)
            own = [entry for owner, entry in bonuses if owner == customer_id]
            result = RefundRecorded(
                refund_id=refund.refund_id,
                order_id=refund.order_id,
                # Their own referral bonus too, when this refund takes it back.
                points_taken_back=-sum(entry.points for entry in [*entries, *own]),
            )
            return Change(
                result=result.as_json(),
                entries=tuple((customer_id, entry) for entry in entries) + bonuses,
                refund=refund,
                owed=self._owed(Automation.FEEDBACK_REQUEST, customer_id, result),
            )

        request = Request(f"refund:{refund.refund_id}", fingerprint(customer_id, refund))
        result = RefundRecorded.from_json(self.store.commit(customer_id, request, decide).result)
        if self.events is not None:
            self.events.refund_recorded(customer_id, result)
        return result

    def _referrer_share(self, referral: ReferralBonus, now: datetime) -> list[tuple[str, Entry]]:
        """The referrer's bonus tonight, within their monthly limit, read from their ledger."""
        referrer = self._referrer(referral.referrer_id)
        if referrer is None:
            return []  # erased their data: nobody is left to pay
        entry = referrer_share(self.rules, referral, referrer, now)
        return [(referral.referrer_id, entry)] if entry is not None else []

    def _referral_taken_back(
        self, history: History, refund: Refund, now: datetime
    ) -> tuple[tuple[str, Entry], ...]:
        """Both referral bonuses taken back when `refund` returns the first order in full."""
        if history.referred_by is None or not may_take_back(history, refund):
            return ()
        taken = [
            (history.customer_id, entry)
            for entry in taken_back_from_referred(self.rules, history, refund, now)
        ]
        referrer = self._referrer(history.referred_by)
        if referrer is None:
            return tuple(taken)
        taken += [
            (history.referred_by, entry)
            for entry in taken_back_from_referrer(self.rules, history, referrer, refund, now)
        ]
        return tuple(taken)

    def _referrer(self, referrer_id: str) -> History | None:
        """What the referral rules read of a referrer: their referral entries alone."""
        if self.store.customer(referrer_id) is None:
            return None
        return History(referrer_id, entries=self.store.referral_entries(referrer_id))

    def redeem(self, customer_id: str, reward_id: str, request_id: str) -> Redeemed:
        now = self.clock()
        key = f"redeem:{request_id}"
        endpoints = self.webhooks.endpoints()

        def decide(history: History) -> Change:
            entry = redeem(self.rules, history, reward_id, now, key)
            left = history.balance(now).available + entry.points
            result = Redeemed(reward_id=reward_id, points=-entry.points, available=left)
            told = webhook.reward_redeemed(customer_id, reward_id, result.points, left, key, now)
            return Change(
                result=result.as_json(),
                entries=((customer_id, entry),),
                webhooks=self.webhooks.owing([told], endpoints),
            )

        request = Request(key, fingerprint(customer_id, reward_id))
        return Redeemed.from_json(self._commit(customer_id, request, decide, endpoints).result)

    def adjust(self, customer_id: str, points: int, reason: str, request_id: str) -> Adjusted:
        now = self.clock()
        key = f"adjust:{request_id}"

        def decide(history: History) -> Change:
            entry = adjust(self.rules, history, points, reason, now, key)
            result = Adjusted(points=entry.points, reason=entry.reason)
            return Change(result=result.as_json(), entries=((customer_id, entry),))

        request = Request(key, fingerprint(customer_id, points, reason))
        return Adjusted.from_json(self.store.commit(customer_id, request, decide).result)

    def redeem_certificate(
        self, customer_id: str, code: str, request_id: str
    ) -> CertificateRedeemed:
        now = self.clock()
        wanted = code.strip().upper()

        def decide(history: History) -> Change:
            found = next((c for c in history.certificates if c.code == wanted), None)
            if found is None or not found.usable(now):
                raise CertificateNotUsable("no usable certificate with that code")
            result = CertificateRedeemed(found.certificate_id, found.value, found.currency)
            return Change(result=result.as_json(), redeemed_certificate=(found.certificate_id, now))

        request = Request(f"certificate:{request_id}", fingerprint(customer_id, wanted))
        committed = self.store.commit(customer_id, request, decide)
        return CertificateRedeemed.from_json(committed.result)

    def run_daily_for(self, customer_id: str, quiet_key: str | None = None) -> DailyRun:
        """The nightly run for one customer; once per customer per local day. With
        `quiet_key` (`nightly_key`), a customer found with nothing due is kept quiet
        until their next moment (see `loyalty.quiet`), and the next runs skip them."""
        now = self.clock()
        day = now.astimezone(self.rules.timezone).date()
        endpoints = self.webhooks.endpoints()
        key = f"daily:{customer_id}:{day.isoformat()}"

        def decide(history: History) -> Change:
            outcome = run_daily(self.rules, history, now, self.new_code)
            entries = [(customer_id, entry) for entry in outcome.entries]
            referral = outcome.referral
            if referral is not None:
                entries += self._referrer_share(referral, now)
            warning = outcome.expiry_warning
            result = DailyRun(
                entries=tuple(e.kind for _, e in entries),
                certificates=tuple(c.certificate_id for c in outcome.certificates),
                tier=outcome.tier,
                expiry_warning=(
                    ExpiryNotice(warning.points, warning.expires_on) if warning else None
                ),
                # For the automatic emails: the birthday greeting, the win-back.
                birthday=history.birthday is not None
                and birthday_in(day.year, history.birthday) == day,
                last_purchase_at=last_activity(history),
            )
            nothing = not (
                entries
                or outcome.certificates
                or outcome.tier != history.tier
                or warning
                or result.birthday
            )
            until = self._quiet_until(history, result, now) if quiet_key and nothing else None
            return Change(
                result=result.as_json(),
                entries=tuple(entries),
                certificates=outcome.certificates,
                tier=outcome.tier,
                tier_changed=outcome.tier != history.tier,
                quiet=Quiet(until, quiet_key) if quiet_key and until else None,
                webhooks=self.webhooks.owing(
                    _daily_events(
                        customer_id,
                        entries,
                        outcome.certificates,
                        history.tier,
                        outcome.tier,
                        key,
                        now,
                    ),
                    endpoints,
                )
                if endpoints
                else (),
            )

        request = Request(key, fingerprint(customer_id, day))
        committed = self._commit(customer_id, request, decide, endpoints)
        result = DailyRun.from_json(committed.result)
        if self.events is not None:
            self.events.daily_done(customer_id, result)
        return result

    def _quiet_until(self, history: History, result: DailyRun, now: datetime) -> datetime | None:
        """Until when the customer, with nothing due tonight, may be left alone."""
        until = quiet_until(self.rules, history, now)
        if until is None:
            return None
        referral = referral_due(self.rules, history, now)
        if referral is not None and not self._referral_paid(history, referral[1]):
            return None  # waits for room in the referrer's month: asked every night
        watch = self.events
        if isinstance(watch, NightlyWatch):
            theirs = watch.quiet_until(history.customer_id, result, now)
            if theirs is None:
                return None
            until = min(until, theirs)
        return until

    def _referral_paid(self, history: History, bonus: ReferralBonus) -> bool:
        rule = self.rules.loyalty.referral
        mine = rule is None or not rule.referred_points
        if not (mine or history.has_key(referred_key(history.customer_id))):
            return False
        referrer = self._referrer(bonus.referrer_id)
        return referrer is None or referrer.has_key(bonus.entry.idempotency_key)

    def nightly_key(self, now: datetime) -> str | None:
        """What tonight's quiet customers rest on: the rules, and the settings of the
        automatic emails; None when everyone is visited tonight."""
        watch = self.events
        theirs = watch.nightly_key(now) if isinstance(watch, NightlyWatch) else ""
        return None if theirs is None else f"{self.rules.version}:{theirs}"

    def nightly_customers(
        self, now: datetime, within: CustomerRange = EVERYONE
    ) -> Iterator[tuple[str, str | None]]:
        """Every customer (of those `within`), with the quiet key to visit them with;
        None for those the store's query finds quiet: the nightly run leaves them."""
        key = self.nightly_key(now)
        if key is None:
            for customer_id in self.store.customer_ids(within):
                yield customer_id, ""
            return
        for customer_id, due in self.store.nightly_customers(now, key, within):
            yield customer_id, key if due else None

    def run_daily(self) -> int:
        """The nightly run for every customer, with the automatic emails it calls
        for (through `events`); returns how many it covered, visited or found quiet."""
        covered = 0
        with self.night():
            for customer_id, key in self.nightly_customers(self.clock()):
                if key is not None:
                    self.run_daily_for(customer_id, key)
                covered += 1
        # Rate counters and holds whose time is over: nobody needs them kept.
        self.store.forget_limits(int(self.clock().timestamp()))
        return covered

    def night(self) -> AbstractContextManager[None]:
        """Around a night's `run_daily_for` calls: the listener's batches, if it keeps any."""
        events = self.events
        return events.batched() if isinstance(events, NightlyBatches) else nullcontext()

    def summary(self, customer_id: str) -> Summary:
        """`statement` without the history: what the till's look-up and the emails show.

        The store answers it from its indexes, whatever the customer's history.
        """
        return self._summary(self.store.standing(customer_id, self.clock()))

    def _summary(self, standing: Standing) -> Summary:
        balance = standing.balance
        deadline = expiry_after(self.rules, standing.last_order_at)
        return Summary(
            available=balance.available,
            pending=balance.pending,
            total=balance.total,
            tier=standing.tier,
            expires_at=deadline if deadline and balance.available > 0 else None,
            certificates=tuple(
                CertificateHeld(c.code, c.value, c.expires_at) for c in standing.certificates
            ),
        )

    def statement(self, customer_id: str) -> Statement:
        """Balance, tier, pending and expiring points, and the history, for `stampbook points`."""
        return self.statement_of(self.store.history(customer_id))

    def statement_of(self, history: History) -> Statement:
        """`statement` of a history already read (a sender reads a batch of them at once)."""
        return Statement.of(
            self._summary(Standing.of(history, self.clock())),
            tuple(
                LedgerLine(e.kind, e.points, e.at, e.order_id, e.available_at)
                for e in history.entries
            ),
        )


def _purchase_events(
    customer_id: str, result: PurchaseRecorded, before: str | None, now: datetime
) -> list[webhook.Event]:
    """What a purchase tells the webhooks: the points it earned, the tier it moved to."""
    occasion = f"purchase:{result.order_id}"
    told = []
    if result.points > 0:
        told.append(
            webhook.points_earned(
                customer_id,
                result.points,
                "purchase",
                occasion,
                now,
                result.available_at,
                result.order_id,
            )
        )
    if result.tier != before:
        told.append(webhook.tier_changed(customer_id, result.tier, before, occasion, now))
    return told


def _daily_events(
    customer_id: str,
    entries: list[tuple[str, Entry]],
    certificates: tuple[Certificate, ...],
    before: str | None,
    tier: str | None,
    occasion: str,
    now: datetime,
) -> list[webhook.Event]:
    """What a customer's nightly step tells: bonuses earned (a referrer's too),
    certificates issued (never their codes), the tier it moved to."""
    told = [
        webhook.points_earned(
            owner, entry.points, entry.kind.value, entry.idempotency_key, now, entry.available_at
        )
        for owner, entry in entries
        if entry.points > 0
    ]
    told += [
        webhook.certificate_issued(
            customer_id, c.certificate_id, c.value, c.currency, c.expires_at, now
        )
        for c in certificates
    ]
    if tier != before:
        told.append(webhook.tier_changed(customer_id, tier, before, occasion, now))
    return told
