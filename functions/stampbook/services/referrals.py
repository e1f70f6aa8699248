"""Who referred whom: found by email or referral code, recorded once, never oneself.

A referral is recorded when the referred customer's address is confirmed
(sign-up), by the owner at the counter (`stampbook referral record`) or
from the customer file (`stampbook customers import`). Whichever way, the
same rules hold: nobody refers themselves, under their own record or
another address of their own mailbox (`anna+2@` is `anna@`), and a
customer has one referrer, the first recorded. The bonus itself is the
engine's (`loyalty.referrals`).
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from ..files.customers import CustomerFile
from ..files.rows import RowError
from ..records.customers import Customer, InvalidEmail, normalise_email
from ..store.base import Store
from .limits import mailbox


class Referral(StrEnum):
    RECORDED = "recorded"
    SELF = "self"  # the same customer, or the same mailbox
    ALREADY_REFERRED = "already_referred"  # a referrer was recorded before


class UnknownReferrer(LookupError):
    """No customer has that email or referral code."""


def find_customer(store: Store, email_or_code: str) -> Customer | None:
    """The customer with this email (anything with an `@`) or this referral code."""
    text = email_or_code.strip()
    if "@" not in text:
        return store.customer_by_code(text)
    try:
        return store.customer_by_email(normalise_email(text))
    except InvalidEmail:
        return None


def same_person(customer: Customer, referrer: Customer) -> bool:
    return customer.customer_id == referrer.customer_id or mailbox(customer.email) == mailbox(
        referrer.email
    )


def refer(store: Store, customer: Customer, referrer: Customer) -> Referral:
    """Record that `referrer` brought `customer` in, if the rules allow; says what happened."""
    if same_person(customer, referrer):
        return Referral.SELF
    if customer.referred_by is None and store.refer(customer.customer_id, referrer.customer_id):
        return Referral.RECORDED
    return Referral.ALREADY_REFERRED  # the same referrer again changes nothing either


def referrers_in_file(store: Store, parsed: CustomerFile) -> CustomerFile:
    """`parsed` with each row's `referred_by` recorded, or a row error for one that
    names nobody (in the file or the customer file) or the row's own customer."""
    by_email = {customer.email: customer for customer in parsed.customers}
    customers, errors = [], list(parsed.errors)
    for customer in parsed.customers:
        named = parsed.referrers.get(customer.customer_id)
        if named is None:
            customers.append(customer)
            continue
        row, text = named
        referrer = by_email.get(text) if "@" in text else None
        referrer = referrer or find_customer(store, text)
        if referrer is None:
            message = f"no customer with the email or referral code {text!r}"
            errors.append(RowError(row, "referred_by", message))
        elif same_person(customer, referrer):
            errors.append(RowError(row, "referred_by", "a customer cannot refer themselves"))
        else:
            customers.append(replace(customer, referred_by=referrer.customer_id))
    return replace(parsed, customers=customers, errors=sorted(errors, key=lambda e: e.row))
