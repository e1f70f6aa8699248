"""The store port: what the use cases need, whatever keeps the data.

Every change to a customer's loyalty state goes through `commit`: the store
reads the customer's history, hands it to a pure `decide` function (the
rules engine), and writes what it returns, all-or-nothing, while no other
writer can change that customer. The request's idempotency key makes a
retried request return the first result instead of changing state again;
the same key with a different request is a conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Flag, auto
from typing import Any, Protocol

from ..audience.consent import ConsentRecord
from ..audience.mail_events import MailEvent
from ..loyalty.history import Certificate, History
from ..loyalty.ledger import Entry
from ..loyalty.orders import Order, Refund
from ..loyalty.standing import Standing
from ..loyalty.tier_spend import TierSpend
from ..records.customers import EVERYONE, Customer, CustomerRange
from ..records.feedback import Feedback, SiteFeedback
from ..records.integrations import IntegrationKey
from ..records.owed_emails import OwedEmail
from ..records.webhooks import OwedWebhook
from .automation_log import AutomationLog
from .webhook_log import WebhookLog


class StoreError(Exception):
    """Base of the store's own errors; driver errors never leak past the adapter."""


class CustomerExists(StoreError):
    pass


class UnknownCustomer(StoreError):
    pass


class IdempotencyConflict(StoreError):
    """The idempotency key was used before for a different request."""


class StoreUnavailable(StoreError):
    """The database could not be reached or stayed locked too long; retry later."""


class Reads(Flag):
    """The parts of a history a decision looks at; the store may leave out the rest.

    The customer's own row (tier, birthday, referrer) always comes. A
    purchase, for one, needs orders and refunds but not the ledger, which
    for a regular grows with every visit.
    """

    ENTRIES = auto()
    ORDERS = auto()  # with their refunds
    CERTIFICATES = auto()
    # What a purchase needs: the tier-spend tally where the store keeps one
    # (and then not the orders), else the orders and refunds it is counted from.
    TIER_SPEND = auto()
    EVERYTHING = ENTRIES | ORDERS | CERTIFICATES


@dataclass(frozen=True, slots=True)
class Request:
    key: str  # e.g. "purchase:ORDER-1"
    fingerprint: str  # a hash of the request's content
    reads: Reads = Reads.EVERYTHING
    # The order a purchase records: a store may keep the request's record on
    # the order itself (one row written instead of two).
    order_id: str | None = None


@dataclass(frozen=True)
class Change:
    """What one request writes. Entries may belong to other customers (a referrer)."""

    # The answer, as the JSON kept with the request: a retry gets it back as it is
    # (the use cases' `as_json`, in `services.results`).
    result: dict[str, Any]
    entries: tuple[tuple[str, Entry], ...] = ()  # (customer id, entry)
    order: Order | None = None
    refund: Refund | None = None
    certificates: tuple[Certificate, ...] = ()
    redeemed_certificate: tuple[str, datetime] | None = None
    tier: str | None = None
    tier_changed: bool = False
    # The tier-spend tally with this change's order counted, for a store that keeps one.
    tier_spend: TierSpend | None = None
    # An automatic email this change calls for, owed in the same transaction.
    owed: OwedEmail | None = None
    # The nightly run found nothing due: the customer may be left alone until then.
    quiet: Quiet | None = None
    # The webhook deliveries the change reports, owed in the same transaction.
    webhooks: tuple[OwedWebhook, ...] = ()


@dataclass(frozen=True, slots=True)
class Quiet:
    """Nothing is due for the customer before `until` while nothing is written to them,
    as decided under `key` (the rules and the automatic emails' settings it rests on).

    A store keeps it with the change that found it and forgets it as soon as
    anything is written to the customer."""

    until: datetime
    key: str


@dataclass(frozen=True, slots=True)
class Committed:
    result: dict[str, Any]  # the change's answer as JSON: the first one, for a retry
    replayed: bool = False


# (customer id, request, decide): one commit of a batch.
Item = tuple[str, Request, Callable[[History], Change]]
Batch = Callable[[], list[Item]]


class Store(AutomationLog, WebhookLog, Protocol):
    def add_customer(
        self,
        customer: Customer,
        consent: ConsentRecord | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        """Add one; CustomerExists if its id, address or code is taken. `consent`, how
        they signed up, is kept in the same write: never a customer without it; so are
        the `webhooks` deliveries telling of them."""
        ...

    def update_customer(self, customer: Customer) -> None: ...
    def refer(self, customer_id: str, referrer_id: str) -> bool:
        """Record who referred a customer; False if someone is recorded already (one
        referrer per customer, whoever asks first), UnknownCustomer if there is no such one."""
        ...

    def customer(self, customer_id: str) -> Customer | None: ...
    def customer_by_email(self, email: str) -> Customer | None: ...
    def customer_ids_by_email(self, emails: list[str]) -> dict[str, str]:
        """Email -> customer id for those of `emails` that are customers' (imports)."""
        ...

    def customer_by_code(self, code: str) -> Customer | None:
        """By the personal code a customer shows at the counter (their referral code)."""
        ...

    def customer_ids(self, within: CustomerRange = EVERYONE) -> Iterator[str]:
        """Every customer id `within` the range, in order."""
        ...

    def nightly_customers(
        self, now: datetime, key: str, within: CustomerRange = EVERYONE
    ) -> Iterator[tuple[str, bool]]:
        """Every customer id in order (of those `within`), each with whether the nightly
        run must visit them: False for those kept quiet past `now` under `key` (`Quiet`)."""
        ...

    def record_consent(
        self,
        customer_id: str,
        record: ConsentRecord,
        owed: OwedEmail | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        """Keep a consent record, and the automatic email it calls for (the welcome, on
        confirmation) and the webhook deliveries telling of it, in the same transaction."""
        ...

    def consents(self, customer_id: str) -> list[ConsentRecord]: ...
    def history(self, customer_id: str) -> History: ...
    def standing(self, customer_id: str, now: datetime) -> Standing:
        """`Standing.of(history(customer_id), now)`, from the indexes where the store has them."""
        ...

    def referral_entries(self, customer_id: str) -> tuple[Entry, ...]:
        """A customer's referral bonuses and their taking back (entries keyed `referral:`),
        in ledger order, without reading the rest of their history: the nightly run reads
        a referrer's for each friend, and a referrer may be a regular of years."""
        ...

    def commit(
        self, customer_id: str, request: Request, decide: Callable[[History], Change]
    ) -> Committed: ...
    def commit_batch(self, items: list[Item]) -> list[Committed | Exception]:
        """Many commits in one durable transaction (imports); each succeeds or fails alone."""
        ...

    def commit_batches(self, batches: list[Batch]) -> Iterator[list[Committed | Exception]]:
        """`commit_batch` for each batch in turn, yielding its outcomes (imports).

        A batch is made by calling it, so a store may make and decide it
        elsewhere (SQLite: in worker processes). Batches should name
        different customers; a store may decide a batch sharing a customer
        with an earlier one only once that one is written.
        """
        ...

    def add_customers(self, customers: list[Customer]) -> list[Customer]:
        """Add many at once; returns those added (known emails are left as they are)."""
        ...

    def record_feedback(self, feedback: Feedback, webhooks: tuple[OwedWebhook, ...] = ()) -> bool:
        """Keep an answer, with the webhook deliveries telling of it; False (and nothing
        written) if this feedback id was already recorded."""
        ...

    def feedback(self, customer_id: str) -> list[Feedback]: ...

    def record_site_feedback(self, answer: SiteFeedback) -> None:
        """Keep an answer left on the site without a link (each has its own new id)."""
        ...

    def site_feedback(self, reply_to: str) -> list[SiteFeedback]:
        """The site's answers that left this address for a reply, oldest first."""
        ...

    def order_owner(self, order_id: str) -> str | None:
        """The id of the customer an order was recorded for, or None if there is no such order."""
        ...

    def erase_customer(self, customer_id: str) -> bool:
        """Forget who a customer is; False if there was no such customer (already erased).

        Their profile, consent records (addresses, browsers), questionnaire
        answers (those left on the site with their address too) and the
        addresses on their mail events go; the ledger, orders,
        refunds and certificates stay under the id, which no longer leads to
        anyone, so the books still add up. The email and card code are free
        again: a new sign-up with them is a new customer.
        """
        ...

    def record_mail_event(self, event: MailEvent) -> bool:
        """Keep a delivery, bounce or complaint; False if this event was recorded already."""
        ...

    def mail_events(self, customer_id: str) -> list[MailEvent]: ...

    def add_integration_key(self, key: IntegrationKey) -> None: ...
    def integration_key(self, key_id: str) -> IntegrationKey | None: ...
    def integration_keys(self) -> list[IntegrationKey]: ...
    def revoke_integration_key(self, key_id: str, at: datetime) -> bool:
        """False if there is no such key or it was revoked already."""
        ...

    def hold(self, key: str, now: int, until: int, owed: OwedEmail | None = None) -> bool:
        """Take `key` until `until` (Unix seconds) unless it is held past `now`; False if held.

        If it is taken, `owed` (the email the hold rations) is owed in the same write.
        """
        ...

    def count_hit(self, key: str, until: int) -> int:
        """Add one to the counter `key`, kept until `until`; returns the count so far."""
        ...

    def hits(self, key: str, now: int) -> int:
        """The counter `key`, if it is kept past `now`; else 0."""
        ...

    def forget_limits(self, now: int) -> int:
        """Delete the counters and holds kept no longer than `now`; how many went."""
        ...

    def close(self) -> None: ...
