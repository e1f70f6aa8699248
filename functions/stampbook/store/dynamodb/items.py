"""Customers, ledger entries, orders and the rest as DynamoDB items, and back.

Times are ISO 8601 in UTC, money is decimal text (exactly as given: never a
float), nested values (order lines, habits) are JSON text. An absent value
is an absent attribute.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ...audience.consent import ConsentRecord, ConsentStatus
from ...audience.mail_events import MailEvent, MailEventKind
from ...loyalty.history import Certificate
from ...loyalty.ledger import Entry, EntryKind
from ...loyalty.orders import Order, OrderLine, Refund
from ...records.automation_sends import AutomationKey
from ...records.customers import Customer
from ...records.feedback import Feedback, FeedbackReason, SiteFeedback
from ...records.integrations import IntegrationKey
from ...records.owed_emails import OwedEmail
from ...records.webhooks import OwedWebhook
from .table import (
    CERTIFICATE,
    CONSENT,
    EVERY_CUSTOMER,
    EVERY_INTEGRATION_KEY,
    EVERY_OWED_EMAIL,
    EVERY_OWED_WEBHOOK,
    FEEDBACK,
    INTEGRATION_KEY,
    LISTING_PK,
    LISTING_SK,
    MAIL_EVENT,
    ORDER,
    OWED_EMAIL,
    OWED_WEBHOOK,
    PK,
    PROFILE,
    REFUND,
    SK,
    customer_key,
    integration_key_partition,
    site_feedback_key,
    sort_time,
    webhook_key,
)

Wire = dict[str, Any]  # one attribute value as DynamoDB sends it, e.g. {"S": "anna"}
Item = dict[str, Wire]
Read = Mapping[str, Any]  # an item as a response holds it


def attributes(**values: str | int | None) -> Item:
    """Text as S, whole numbers as N; None is left out."""
    return {
        name: {"N": str(value)} if isinstance(value, int) else {"S": value}
        for name, value in values.items()
        if value is not None
    }


def text(item: Read, name: str) -> str:
    return str(item[name]["S"])


def maybe(item: Read, name: str) -> str | None:
    value = item.get(name)
    return str(value["S"]) if value is not None else None


def number(item: Read, name: str) -> int:
    return int(item[name]["N"])


def time_text(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _moment(item: Read, name: str) -> datetime:
    return datetime.fromisoformat(text(item, name))


def maybe_moment(item: Read, name: str) -> datetime | None:
    value = maybe(item, name)
    return datetime.fromisoformat(value) if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _maybe_money(item: Read, name: str) -> Decimal | None:
    value = maybe(item, name)
    return Decimal(value) if value is not None else None


# -- customers -------------------------------------------------------------


def customer_fields(customer: Customer) -> dict[str, str | None]:
    """Everything about a customer but the id, the way `update_customer` writes it."""
    return {
        "email": customer.email,
        "created_at": time_text(customer.created_at),
        "name": customer.name,
        "locale": customer.locale,
        "birthday": customer.birthday.isoformat() if customer.birthday else None,
        "birthday_set_at": time_text(customer.birthday_set_at),
        "interests": json.dumps(list(customer.interests)),
        "habits": json.dumps(customer.habits, ensure_ascii=False),
        "referral_code": customer.referral_code,
        "referred_by": customer.referred_by,
        "source": customer.source,
        "tier": customer.tier,
        "invited_by": customer.invited_by,
    }


def customer_item(customer: Customer) -> Item:
    """A new profile, at version 0, listed in the index of every customer."""
    keys: dict[str, str | int | None] = {
        PK: customer_key(customer.customer_id),
        SK: PROFILE,
        LISTING_PK: EVERY_CUSTOMER,
        LISTING_SK: customer.customer_id,
        "customer_id": customer.customer_id,
        "version": 0,
    }
    return {**attributes(**keys), **attributes(**customer_fields(customer))}


def customer_from(item: Read) -> Customer:
    birthday = maybe(item, "birthday")
    return Customer(
        customer_id=text(item, "customer_id"),
        email=text(item, "email"),
        created_at=_moment(item, "created_at"),
        name=text(item, "name"),
        locale=maybe(item, "locale"),
        birthday=date.fromisoformat(birthday) if birthday else None,
        birthday_set_at=maybe_moment(item, "birthday_set_at"),
        interests=tuple(json.loads(text(item, "interests"))),
        habits=json.loads(text(item, "habits")),
        referral_code=text(item, "referral_code"),
        referred_by=maybe(item, "referred_by"),
        source=text(item, "source"),
        tier=maybe(item, "tier"),
        invited_by=maybe(item, "invited_by"),
    )


def unique_names(customer: Customer) -> set[tuple[str, str]]:
    """What no two customers may share: the email, and the referral code if there is one."""
    names = {("EMAIL", customer.email)}
    if customer.referral_code:
        names.add(("REFERRAL", customer.referral_code))
    return names


# -- the loyalty history ---------------------------------------------------


def entry_item(entry: Entry) -> Item:
    return attributes(
        kind=entry.kind.value,
        points=entry.points,
        at=time_text(entry.at),
        available_at=time_text(entry.available_at),
        key=entry.idempotency_key,
        rules_version=entry.rules_version,
        order_id=entry.order_id,
        amount=_money(entry.amount),
        currency=entry.currency,
        reward_id=entry.reward_id,
        certificate_id=entry.certificate_id,
        reason=entry.reason,
        multiplier=_money(entry.multiplier),
    )


def entry_from(item: Read) -> Entry:
    return Entry(
        kind=EntryKind(text(item, "kind")),
        points=number(item, "points"),
        at=_moment(item, "at"),
        available_at=_moment(item, "available_at"),
        idempotency_key=text(item, "key"),
        rules_version=text(item, "rules_version"),
        order_id=maybe(item, "order_id"),
        amount=_maybe_money(item, "amount"),
        currency=maybe(item, "currency"),
        reward_id=maybe(item, "reward_id"),
        certificate_id=maybe(item, "certificate_id"),
        reason=maybe(item, "reason"),
        multiplier=_maybe_money(item, "multiplier"),
    )


def order_item(order: Order) -> Item:
    return attributes(
        **{SK: f"{ORDER}{sort_time(order.placed_at)}#{order.order_id}"},
        order_id=order.order_id,
        placed_at=time_text(order.placed_at),
        currency=order.currency,
        shipping=str(order.shipping),
        tax=str(order.tax),
        lines=json.dumps([[li.line_id, li.category, str(li.amount)] for li in order.lines]),
    )


def order_from(item: Read) -> Order:
    return Order(
        order_id=text(item, "order_id"),
        placed_at=_moment(item, "placed_at"),
        currency=text(item, "currency"),
        lines=tuple(OrderLine(i, c, Decimal(a)) for i, c, a in json.loads(text(item, "lines"))),
        shipping=Decimal(text(item, "shipping")),
        tax=Decimal(text(item, "tax")),
    )


def refund_item(refund: Refund) -> Item:
    return attributes(
        **{SK: f"{REFUND}{sort_time(refund.refunded_at)}#{refund.refund_id}"},
        refund_id=refund.refund_id,
        order_id=refund.order_id,
        refunded_at=time_text(refund.refunded_at),
        lines=json.dumps({k: str(v) for k, v in refund.lines.items()}),
        tax=str(refund.tax),
    )


def refund_from(item: Read) -> Refund:
    return Refund(
        refund_id=text(item, "refund_id"),
        order_id=text(item, "order_id"),
        refunded_at=_moment(item, "refunded_at"),
        lines={k: Decimal(v) for k, v in json.loads(text(item, "lines")).items()},
        tax=Decimal(text(item, "tax")),
    )


def certificate_item(certificate: Certificate) -> Item:
    return attributes(
        **{SK: f"{CERTIFICATE}{sort_time(certificate.issued_at)}#{certificate.certificate_id}"},
        certificate_id=certificate.certificate_id,
        code=certificate.code,
        rule_id=certificate.rule_id,
        value=str(certificate.value),
        currency=certificate.currency,
        issued_at=time_text(certificate.issued_at),
        expires_at=time_text(certificate.expires_at),
        consumed=json.dumps([[o, str(a)] for o, a in certificate.consumed]),
        redeemed_at=time_text(certificate.redeemed_at),
        settled=str(certificate.settled),
    )


def certificate_from(item: Read) -> Certificate:
    return Certificate(
        certificate_id=text(item, "certificate_id"),
        code=text(item, "code"),
        rule_id=text(item, "rule_id"),
        value=Decimal(text(item, "value")),
        currency=text(item, "currency"),
        issued_at=_moment(item, "issued_at"),
        expires_at=_moment(item, "expires_at"),
        consumed=tuple((o, Decimal(a)) for o, a in json.loads(text(item, "consumed"))),
        redeemed_at=maybe_moment(item, "redeemed_at"),
        settled=Decimal(text(item, "settled")),
    )


# -- consent and questionnaires ---------------------------------------------


def consent_item(customer_id: str, record: ConsentRecord, sequence: int) -> Item:
    # The sequence keeps records of the same moment in the order they were made.
    return attributes(
        **{PK: customer_key(customer_id), SK: f"{CONSENT}{sort_time(record.at)}#{sequence:020d}"},
        status=record.status.value,
        at=time_text(record.at),
        form=record.form,
        text_version=record.text_version,
        ip=record.ip,
        user_agent=record.user_agent,
    )


def consent_from(item: Read) -> ConsentRecord:
    return ConsentRecord(
        ConsentStatus(text(item, "status")),
        _moment(item, "at"),
        text(item, "form"),
        text(item, "text_version"),
        text(item, "ip"),
        text(item, "user_agent"),
    )


def feedback_item(feedback: Feedback) -> Item:
    return attributes(
        **{
            PK: customer_key(feedback.customer_id),
            SK: f"{FEEDBACK}{sort_time(feedback.at)}#{feedback.feedback_id}",
        },
        feedback_id=feedback.feedback_id,
        customer_id=feedback.customer_id,
        reason=feedback.reason.value,
        at=time_text(feedback.at),
        text=feedback.text,
        order_id=feedback.order_id,
    )


def site_feedback_item(answer: SiteFeedback) -> Item:
    return attributes(
        **{
            PK: site_feedback_key(answer.reply_to),
            SK: f"{sort_time(answer.at)}#{answer.feedback_id}",
        },
        feedback_id=answer.feedback_id,
        reason=answer.reason.value,
        at=time_text(answer.at),
        text=answer.text,
        order_ref=answer.order_ref,
        reply_to=answer.reply_to,
    )


def site_feedback_from(item: Read) -> SiteFeedback:
    return SiteFeedback(
        text(item, "feedback_id"),
        FeedbackReason(text(item, "reason")),
        _moment(item, "at"),
        text(item, "text"),
        text(item, "order_ref"),
        text(item, "reply_to"),
    )


def feedback_from(item: Read) -> Feedback:
    return Feedback(
        text(item, "feedback_id"),
        text(item, "customer_id"),
        FeedbackReason(text(item, "reason")),
        _moment(item, "at"),
        text(item, "text"),
        maybe(item, "order_id"),
    )


# -- what the mail provider reported, and integration keys ------------------


def mail_event_item(event: MailEvent, customer_id: str) -> Item:
    return attributes(
        **{
            PK: customer_key(customer_id),
            SK: f"{MAIL_EVENT}{sort_time(event.at)}#{event.event_id}",
        },
        event_id=event.event_id,
        kind=event.kind.value,
        email=event.email,
        at=time_text(event.at),
        message_id=event.message_id,
        detail=event.detail,
        customer_id=customer_id,
    )


def mail_event_from(item: Read) -> MailEvent:
    return MailEvent(
        text(item, "event_id"),
        MailEventKind(text(item, "kind")),
        text(item, "email"),
        _moment(item, "at"),
        maybe(item, "message_id") or "",
        maybe(item, "detail") or "",
        maybe(item, "customer_id"),
    )


def integration_key_item(key: IntegrationKey) -> Item:
    return attributes(
        **{PK: integration_key_partition(key.key_id), SK: INTEGRATION_KEY},
        **{LISTING_PK: EVERY_INTEGRATION_KEY, LISTING_SK: key.key_id},
        key_id=key.key_id,
        name=key.name,
        secret_hash=key.secret_hash,
        created_at=time_text(key.created_at),
        revoked_at=time_text(key.revoked_at),
    )


def integration_key_from(item: Read) -> IntegrationKey:
    return IntegrationKey(
        text(item, "key_id"),
        text(item, "name"),
        text(item, "secret_hash"),
        _moment(item, "created_at"),
        maybe_moment(item, "revoked_at"),
    )


def owed_item(owed: OwedEmail) -> Item:
    """The item `commit` puts for an owed email, in the owing transaction."""
    key = owed.key
    return {
        **owed_key(key),
        **attributes(
            customer_id=key.customer_id,
            automation=key.automation.value,
            occasion=key.occasion,
            due=owed.due,
            attempts=owed.attempts,
            details=json.dumps(owed.details, default=str, separators=(",", ":")),
            **{LISTING_PK: EVERY_OWED_EMAIL, LISTING_SK: owed_listing(key, owed.due)},
        ),
    }


def owed_key(automation_key: AutomationKey) -> Item:
    return attributes(
        **{
            PK: customer_key(automation_key.customer_id),
            SK: f"{OWED_EMAIL}{automation_key.automation}#{automation_key.occasion}",
        }
    )


def due_text(due: int) -> str:
    """Unix seconds, fixed width: text order is time order (until the year 33658)."""
    return f"{due:012d}"


def owed_listing(automation_key: AutomationKey, due: int) -> str:
    k = automation_key
    return f"{due_text(due)}#{k.customer_id}#{k.automation}#{k.occasion}"


def owed_webhook_item(owed: OwedWebhook) -> Item:
    """The item `commit` (or `owe_webhooks`) puts for a webhook delivery owed."""
    return {
        **owed_webhook_key(owed),
        **attributes(
            endpoint_id=owed.endpoint_id,
            message_id=owed.message_id,
            event_type=owed.event_type,
            body=owed.body,
            due=owed.due,
            attempts=owed.attempts,
            **{LISTING_PK: EVERY_OWED_WEBHOOK, LISTING_SK: owed_webhook_listing(owed, owed.due)},
        ),
    }


def owed_webhook_key(owed: OwedWebhook) -> Item:
    return attributes(**{PK: webhook_key(owed.endpoint_id), SK: OWED_WEBHOOK + owed.message_id})


def owed_webhook_listing(owed: OwedWebhook, due: int) -> str:
    return f"{due_text(due)}#{owed.endpoint_id}#{owed.message_id}"
