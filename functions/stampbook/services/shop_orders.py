"""A web shop's webhook delivery recorded: its order earns, its refund gives back.

The customer is found by email; a new address becomes a member of the
programme without marketing consent (paying in a shop is not asking for a
newsletter). The provider's order and refund ids, scoped to the shop, are
the requests' keys: a delivery sent twice is recorded once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..audience.consent import ConsentRecord, ConsentStatus
from ..loyalty.errors import LoyaltyError, WrongCurrency
from ..programme.shops import ShopSettings
from ..records.customers import Customer, InvalidEmail, new_referral_code, normalise_email
from ..records.shops import ShopSecret
from ..shops.events import Delivery, Ignored, OrderPaid, RefundMade
from ..shops.orders import order_of, refund_of, scoped
from ..store.base import CustomerExists, IdempotencyConflict
from ..webhooks.events import customer_joined
from .loyalty import LoyaltyService

log = logging.getLogger("stampbook.shops")


class ShopsNotSetUp(LoyaltyError):
    code = "shops_not_set_up"


@dataclass(frozen=True)
class Taken:
    """What a delivery did: recorded a purchase or a refund (its points), or nothing, and why."""

    recorded: str | None = None  # "purchase" or "refund"
    points: int = 0  # earned by the purchase, or taken back by the refund
    ignored: str | None = None


def take_delivery(
    loyalty: LoyaltyService, settings: ShopSettings | None, shop: ShopSecret, delivery: Delivery
) -> Taken:
    if settings is None:
        raise ShopsNotSetUp("program.yaml has no `shops` section: shop orders are not taken yet")
    now = loyalty.clock()
    event = delivery.event
    if delivery.sent_at is not None and now - delivery.sent_at > timedelta(
        days=settings.replay_days
    ):
        # Acknowledged, not refused: every provider retries a refusal, and Shopify
        # gives up on an address that keeps refusing. Nothing is written.
        event = Ignored(f"sent more than {settings.replay_days} days ago")
    if isinstance(event, OrderPaid):
        return _purchase(loyalty, settings, shop, event, now)
    if isinstance(event, RefundMade):
        return _refund(loyalty, shop, event)
    log.info("%s delivery ignored: %s", shop.provider, event.reason)
    return Taken(ignored=event.reason)


def _purchase(
    loyalty: LoyaltyService,
    settings: ShopSettings,
    shop: ShopSecret,
    paid: OrderPaid,
    now: datetime,
) -> Taken:
    if paid.currency != loyalty.rules.currency:
        raise WrongCurrency(
            f"the order is in {paid.currency}, the programme in {loyalty.rules.currency}"
        )
    try:
        email = normalise_email(paid.email)
    except InvalidEmail:
        # Retrying would not make it an address: acknowledged, so the shop stops.
        return Taken(ignored="the order's email is not an address")
    customer = loyalty.store.customer_by_email(email) or _new_member(
        loyalty, shop, email, paid, now
    )
    try:
        result = loyalty.record_purchase(customer.customer_id, order_of(paid, shop.scope, settings))
    except IdempotencyConflict:
        # The shop changed the order after it was recorded (WooCommerce sends every
        # update): the points stand as first recorded; the owner adjusts by hand.
        log.warning("%s order changed after it was recorded; not recorded again", shop.provider)
        return Taken(ignored="the order was recorded already, as first sent")
    return Taken(recorded="purchase", points=result.points)


def _new_member(
    loyalty: LoyaltyService, shop: ShopSecret, email: str, paid: OrderPaid, now: datetime
) -> Customer:
    store, source = loyalty.store, f"shop:{shop.scope}"
    customer = Customer(
        customer_id=uuid.uuid4().hex,
        email=email,
        created_at=now,
        name=paid.name,
        referral_code=new_referral_code(),
        source=source,
    )
    joined = loyalty.webhooks.owing([customer_joined(customer.customer_id, email, False, now)])
    try:
        member = ConsentRecord(ConsentStatus.MEMBER, now, form=source)
        store.add_customer(customer, member, joined)
    except CustomerExists:
        # The same address came in at the same moment another way: theirs is the record.
        known = store.customer_by_email(email)
        if known is None:
            raise
        return known
    if joined:
        loyalty.webhooks.wake()
    return customer


def _refund(loyalty: LoyaltyService, shop: ShopSecret, made: RefundMade) -> Taken:
    owner = loyalty.store.order_owner(scoped(shop.scope, made.order_id))
    if owner is None:
        # An order from before the shop was connected, or one with no customer email.
        return Taken(ignored="no order of this shop with that id is recorded")
    result = loyalty.record_refund(owner, refund_of(made, shop.scope))
    return Taken(recorded="refund", points=result.points_taken_back)
