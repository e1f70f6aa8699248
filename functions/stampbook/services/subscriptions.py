"""Sign-up with double opt-in, confirmation and unsubscribing.

Whatever the address (new, known, confirmed, suppressed), sign-up looks
the same from outside; what differs happens quietly: a known customer's
profile is never changed by a form anyone could fill in, a confirmed one
gets no second confirmation, and one address gets at most one
confirmation email per hour.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..audience.consent import ConsentRecord, ConsentStatus, current_status
from ..records.automation_sends import Automation
from ..records.customers import Customer, new_referral_code
from ..store.base import CustomerExists, Store, UnknownCustomer
from ..webhooks.events import customer_joined, customer_unsubscribed
from .automations import AutomaticEmails
from .limits import mailbox, once_per
from .mailer import Mailer
from .referrals import refer

CONFIRMATION_EVERY_SECONDS = 3600  # at most one confirmation email per address per hour
SIGN_UP_FORM = "site:subscribe"
# The same form with the newsletter left unticked: the evidence says which,
# and confirming makes a member without marketing consent.
JOIN_FORM = "site:join"
WELCOME_OCCASION = "confirmed"
CONFIRMED = ConsentStatus.CONFIRMED


@dataclass(frozen=True)
class SignUp:
    email: str  # normalised
    name: str
    locale: str
    text_version: str  # the consent text shown next to the checkbox
    birthday: date | None = None
    interests: tuple[str, ...] = ()
    # The customer whose referral code was given; recorded when the address is confirmed.
    invited_by: str | None = None
    newsletter: bool = True  # the newsletter ticked too, not only the programme joined


@dataclass(frozen=True)
class Evidence:
    """How a consent was given or withdrawn, kept with it."""

    form: str
    ip: str = ""
    user_agent: str = ""

    def record(self, status: ConsentStatus, at: datetime, text_version: str = "") -> ConsentRecord:
        return ConsentRecord(status, at, self.form, text_version, self.ip, self.user_agent)


def subscribe(emails: AutomaticEmails, form: SignUp, evidence: Evidence) -> None:
    """Start a sign-up; its confirmation is owed with it, and a courier sends it
    after the answer. The request does about the same work whether the address
    is known or new, so its time tells nobody which (anyone may type any
    address): a new one is one write for the customer and their sign-up, then
    one for the hourly hold and the email; a subscriber already is told so
    (one write: the hold and the email), never lowered to unconfirmed."""
    mailer = emails.mailer
    store, now = mailer.store, mailer.loyalty.clock()
    evidence = evidence if form.newsletter else replace(evidence, form=JOIN_FORM)
    asking = evidence.record(ConsentStatus.UNCONFIRMED, now, form.text_version)
    customer = store.customer_by_email(form.email)
    recorded = False
    if customer is None:
        customer, recorded = _new_customer(mailer, form, now, asking)
    status = (
        ConsentStatus.UNCONFIRMED
        if recorded
        else current_status(store.consents(customer.customer_id))
    )
    # Anyone can fill in the form with anyone's address: it may start a sign-up,
    # never lower one. A paused subscriber resumes on the preferences page.
    if status is ConsentStatus.SUPPRESSED:
        _hold_confirmation(emails, form, now, None)  # a bounced address is never mailed again
        return
    if status in (ConsentStatus.CONFIRMED, ConsentStatus.PAUSED) or (
        status is ConsentStatus.MEMBER and not form.newsletter
    ):
        # Nothing to confirm: the address's owner hears that they are with us already.
        _hold_confirmation(emails, form, now, Automation.ALREADY_SUBSCRIBED, customer)
        return
    if not recorded:
        store.record_consent(customer.customer_id, asking)
    # One confirmation per sign-up asked for (its second), at most one an hour.
    _hold_confirmation(emails, form, now, Automation.CONFIRM, customer)


def _hold_confirmation(
    emails: AutomaticEmails,
    form: SignUp,
    now: datetime,
    automation: Automation | None,
    customer: Customer | None = None,
) -> None:
    """The hourly hold on sign-up emails to this mailbox (kept for every address asked
    about, known or not), and `automation` owed in the same write if it is taken."""
    mailer = emails.mailer
    asked = now.isoformat(timespec="seconds")
    owed = (
        emails.owing(automation, customer.customer_id, asked, now)
        if automation is not None and customer is not None
        else None
    )
    key = mailer.keyring.limits_key()
    mailbox_of = mailbox(form.email)
    if once_per(
        mailer.store, "confirmation-mail", mailbox_of, CONFIRMATION_EVERY_SECONDS, now, key, owed
    ):
        # Woken even with nothing owed: waking it is part of the answer's time.
        emails.on_owed()


def _new_customer(
    mailer: Mailer, form: SignUp, now: datetime, asking: ConsentRecord
) -> tuple[Customer, bool]:
    """The customer the form makes, with its sign-up kept; False if someone signed up
    with this address at the same moment elsewhere, and theirs is returned."""
    store = mailer.store
    customer = Customer(
        customer_id=uuid.uuid4().hex,
        email=form.email,
        created_at=now,
        name=form.name,
        locale=form.locale,
        birthday=form.birthday,
        birthday_set_at=now if form.birthday else None,
        interests=form.interests,
        referral_code=new_referral_code(),
        source=SIGN_UP_FORM,
        # A code only counts for someone new: a known customer's record is not
        # changed by a form anyone could fill in.
        invited_by=form.invited_by,
    )
    try:
        store.add_customer(customer, asking)
    except CustomerExists:
        # The same address signed up at the same moment elsewhere: use theirs.
        known = store.customer_by_email(form.email)
        if known is None:
            raise
        return known, False
    return customer, True


def confirm(emails: AutomaticEmails, customer_id: str, evidence: Evidence) -> ConsentStatus | None:
    """Confirm a pending sign-up; the welcome is owed with it (a courier sends it after
    the answer). Repeating it changes nothing."""
    store, now = emails.mailer.store, emails.mailer.loyalty.clock()
    customer = store.customer(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    records = store.consents(customer_id)
    status = current_status(records)
    if status is not ConsentStatus.UNCONFIRMED:
        return status  # confirmed already, or withdrawn since: a stale link decides nothing
    shown = next((r.text_version for r in reversed(records) if r.text_version), "")
    asked = next((r for r in reversed(records) if r.status is ConsentStatus.UNCONFIRMED), None)
    # What the sign-up asked for: the programme alone, or the newsletter too.
    becomes = (
        ConsentStatus.MEMBER
        if asked is not None and asked.form == JOIN_FORM
        else ConsentStatus.CONFIRMED
    )
    # Owed once per customer: two confirmations racing each other, or a second
    # sign-up after unsubscribing, still make one welcome (a marketing email:
    # only to those who asked for the newsletter).
    owed = (
        emails.owing(Automation.WELCOME, customer_id, WELCOME_OCCASION, now)
        if becomes is ConsentStatus.CONFIRMED
        else None
    )
    webhooks = emails.mailer.loyalty.webhooks
    # Joined once: a member who had unsubscribed and signs up again was one all along.
    joined = (
        webhooks.owing([customer_joined(customer_id, customer.email, becomes is CONFIRMED, now)])
        if not any(r.status in (ConsentStatus.MEMBER, CONFIRMED) for r in records)
        else ()
    )
    store.record_consent(customer_id, evidence.record(becomes, now, shown), owed, joined)
    if owed is not None:
        emails.on_owed()
    if joined:
        webhooks.wake()
    _record_invitation(store, customer)
    return becomes


def _record_invitation(store: Store, customer: Customer) -> None:
    """Who gave their code at sign-up becomes the referrer now: an unconfirmed
    address earns nobody anything. One erased since is nobody."""
    referrer = store.customer(customer.invited_by) if customer.invited_by else None
    if referrer is not None:
        refer(store, customer, referrer)


def unsubscribe(mailer: Mailer, customer_id: str, evidence: Evidence) -> ConsentStatus:
    """Stop marketing at once; already unsubscribed or suppressed stays as it is."""
    store = mailer.store
    customer = store.customer(customer_id)
    if customer is None:
        return ConsentStatus.UNSUBSCRIBED  # erased since: nobody left to mail
    status = current_status(store.consents(customer_id))
    if status in (ConsentStatus.UNSUBSCRIBED, ConsentStatus.SUPPRESSED):
        return status
    now, webhooks = mailer.loyalty.clock(), mailer.loyalty.webhooks
    told = webhooks.owing([customer_unsubscribed(customer_id, customer.email, now)])
    record = evidence.record(ConsentStatus.UNSUBSCRIBED, now)
    store.record_consent(customer_id, record, webhooks=told)
    if told:
        webhooks.wake()
    return ConsentStatus.UNSUBSCRIBED


def owe_points_link(emails: AutomaticEmails, address: str, every_seconds: int) -> None:
    """Owe the link to one's points to `address` if a customer has it, at most one
    each `every_seconds`; a courier sends it after the answer. The same work is
    done for an address nobody has: the answer's time tells nothing."""
    mailer = emails.mailer
    store, now = mailer.store, mailer.loyalty.clock()
    customer = store.customer_by_email(address)
    asked = now.isoformat(timespec="seconds")
    owed = (
        emails.owing(Automation.YOUR_POINTS, customer.customer_id, asked, now)
        if customer is not None
        else None
    )
    # One write either way: the hold, and the email with it when there is one; and
    # the courier woken either way (it finds nothing for an unknown address).
    if once_per(
        store, "points-mail", address, every_seconds, now, mailer.keyring.limits_key(), owed
    ):
        emails.on_owed()
