"""Automatic emails from `automations.yaml`: each at most once per customer and occasion.

Events fire them (a confirmed sign-up: the welcome; a purchase at the till
or the counter: the thank-you; a refund: the feedback request) and so does
the nightly run (certificates it issued, points about to expire, birthdays,
holidays, win-back). What makes an email unique is its occasion: the order,
the certificate, the expiry date, the year of the birthday, the holiday and
its date, the last purchase before the lapse.

A purchase, a refund or a confirmation does not send its email itself: the
email is written as owed in the same transaction (`owed`, `owing`), and the courier
(`services.courier`) fires it afterwards, off the till's request, trying
again later after a transient failure. `on_owed` tells the courier.

Sending one goes:

1. Not configured (`enabled: false`, or no section): nothing.
2. Consent, read now: a transactional email (thank-you, certificate,
   feedback request) goes whatever the newsletter consent, a marketing one
   only to a confirmed address; a suppressed address gets nothing. Nothing
   is recorded, so a later occasion (or a later run while it lasts) can
   still go once consent is given.
3. Claim the occasion in the store (customer, automation, occasion). Taken
   already: it was sent, or is being sent elsewhere (two nightly runs at
   once): nothing.
4. Send (the mailer checks consent once more at that moment).
   Accepted: marked sent. Refused for good: marked failed, never retried.
   A transient failure, or consent withdrawn in between: the claim is
   released and the next run (for an owed email: the courier's, after a
   backoff) tries again.

The nightly run (`batched`, around `run_daily` and each shard) gathers what
its customers' steps call for (birthdays, win-back, points about to expire,
certificates issued, holiday greetings), up to `EMAILS_PER_BATCH` emails,
and goes through the same steps for them together: each checked against the
owner's settings, consent read once a customer, the occasions claimed in one
store write, each sent (holdouts decided after consent, as above), and the
held out, sent and refused marked `MARKED_EVERY` at a time as they go; a
transient failure still releases that one claim, and one that could not be
made (a template, an unexpected error) is logged and left to a later run
while the others go on (`services.batch_sending`, as for the courier's
pages). A run that stops before a batch is claimed leaves its emails
unclaimed: the next run that local day sends them, as its steps are replayed
(a birthday's or a certificate's is due that day only); a step that fails
first still lets what the steps before it gathered go. A run killed after
claiming a batch leaves the claims it had not marked until they lapse
(`CLAIM_SECONDS`): a run that day after that sends those not sent (on AWS
the shard's message comes back after the queue's visibility timeout, longer
than a claim; locally, `stampbook daily` again). Outside `batched` (a single
customer's step) the customer's emails go at once, the same way.

The one duplicate window: a process that dies after the transport accepted
the email and before it was marked sent leaves a claim "sending"; once the
claim lapses (`CLAIM_SECONDS`) the next run takes it over and that one email
goes twice (in a nightly batch, or a courier's page of owed emails: the
emails it sent since its last mark, at most `MARKED_EVERY`). A shorter claim
would risk a second copy while the first is still on its way; a claim that
never lapsed would lose the email when the process died before sending.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..audience.consent import ConsentStatus, current_status
from ..audience.holdout import automation_occasion, held_out
from ..loyalty.quiet import NEVER
from ..mail.reader import CertificateNote, Occasion
from ..mail.transports.base import PermanentError, TransientError
from ..metrics import Metric, count
from ..records.automation_sends import TRANSACTIONAL, Automation, AutomationKey, EmailStatus
from ..records.customers import Customer
from ..records.owed_emails import OwedEmail
from ..store.base import StoreError
from .automation_calendar import DayPlan, Due, plan_of_day
from .batch_sending import MARKED_EVERY as MARKED_EVERY
from .batch_sending import Sent, send_and_mark
from .mailer import Mailer
from .results import DailyRun, PurchaseRecorded, RefundRecorded

if TYPE_CHECKING:
    from ..programme.automations import Automations

CLAIM_SECONDS = 15 * 60  # longer than any send with its retries takes, or a batch's sends
EMAILS_PER_BATCH = 100  # the nightly run's emails claimed in one store write
log = logging.getLogger("stampbook.automations")


class Fired(StrEnum):
    SENT = "sent"
    OFF = "off"  # not configured, or `enabled: false`
    NOT_ALLOWED = "not_allowed"  # consent forbids it, or the address is suppressed
    ALREADY = "already"  # sent before, or being sent elsewhere
    RETRY_LATER = "retry_later"  # a transient failure: released for the next run
    FAILED = "failed"  # refused for good
    HELD_OUT = "held_out"  # in the share kept from it to measure what it brings


def configured(
    automations: Automations, automation: Automation, greeting: str | None = None
) -> bool:
    """True if the owner turned this automatic email on (the holiday: that greeting);
    the ones a request owes always are."""
    if automation in TRANSACTIONAL:
        return True
    if automation is Automation.HOLIDAY:
        holidays = automations.holidays
        return bool(
            holidays
            and holidays.enabled
            and any(found.id == greeting for found in holidays.greetings)
        )
    section = getattr(automations, automation.value, None)
    return bool(section is not None and section.enabled)


@dataclass
class AutomaticEmails:
    mailer: Mailer
    # What this process sent, per email: `stampbook daily` reports it.
    sent: Counter[Automation] = field(default_factory=Counter)
    held_out: Counter[Automation] = field(default_factory=Counter)  # not sent, on purpose
    # And what it could not make or send (a template, the store): `daily` exits 1.
    not_sent: Counter[Automation] = field(default_factory=Counter)
    # The nightly run's plan for the local day it is on, made once per day.
    _plans: dict[date, DayPlan] = field(default_factory=dict, repr=False)
    # Called once a purchase or refund that owes an email is committed: the
    # local server wakes its courier, a Lambda queues a message; by default
    # the email waits for the next courier run (`stampbook daily`, the schedule).
    on_owed: Callable[[], None] = field(default=lambda: None, repr=False)
    # The night's emails gathered while `batched` is open, to be claimed together.
    _gathered: dict[AutomationKey, tuple[Customer, Occasion | None]] = field(
        default_factory=dict, repr=False
    )
    _batching: bool = field(default=False, repr=False)

    def fire(
        self,
        email: Automation,
        customer: Customer,
        occasion_key: str,
        occasion: Occasion | None = None,
        order_id: str | None = None,
    ) -> Fired:
        """Send `email` to `customer` for `occasion_key`, unless it went already."""
        refused = self.refused(email, customer, occasion)
        if refused is not None:
            return refused
        mailer = self.mailer
        key = AutomationKey(customer.customer_id, email, occasion_key)
        second = int(mailer.loyalty.clock().timestamp())
        if not mailer.store.claim_automation(key, second, second + CLAIM_SECONDS):
            return Fired.ALREADY
        fired, mark = self.send_claimed(key, customer, occasion, order_id)
        if mark is not None:
            mailer.store.finish_automation(key, mark, mailer.loyalty.clock())
        self.count(email, fired)
        return fired

    def refused(
        self,
        email: Automation,
        customer: Customer,
        occasion: Occasion | None,
        consent: Callable[[str], ConsentStatus | None] | None = None,
    ) -> Fired | None:
        """Why `email` is not for `customer` now (turned off, or their consent), before
        anything is claimed; None if it may go. `consent` reads a customer's consent
        (by default from the store, now), only for an email the owner wants."""
        from ..mail.render import EMAILS

        greeting = occasion.greeting if occasion else None
        if not configured(self.mailer.programme.automations, email, greeting):
            return Fired.OFF
        status = (consent or self._consent_now)(customer.customer_id)
        if not may_receive(status, marketing=EMAILS[email].marketing):
            return Fired.NOT_ALLOWED
        return None

    def _consent_now(self, customer_id: str) -> ConsentStatus | None:
        return current_status(self.mailer.store.consents(customer_id))

    def send_claimed(
        self,
        key: AutomationKey,
        customer: Customer,
        occasion: Occasion | None,
        order_id: str | None = None,
    ) -> tuple[Fired, EmailStatus | None]:
        """Send a claimed email: what came of it, and the status to mark its claim with
        (None: released for the next run)."""
        mailer = self.mailer
        email = key.automation
        # After consent: those held out are people it could have gone to, like those it goes to.
        share = holdout_share(mailer.programme.automations, email)
        if held_out(customer.customer_id, automation_occasion(email, key.occasion), share):
            return Fired.HELD_OUT, EmailStatus.HELD_OUT
        try:
            reader = self.mailer.reader(customer)
            sent = self.mailer.send(email, customer, reader, occasion, order_id)
        except PermanentError as refused:
            log.warning("%s to %s refused for good: %s", email, customer.customer_id, refused)
            return Fired.FAILED, EmailStatus.FAILED
        except TransientError as failed:
            mailer.store.release_automation(key)
            log.warning("%s to %s will be retried: %s", email, customer.customer_id, failed)
            return Fired.RETRY_LATER, None
        except Exception:
            # Not sent (a template error, a full disk): free the occasion for the next run.
            mailer.store.release_automation(key)
            raise
        if not sent:  # consent withdrawn since it was read
            mailer.store.release_automation(key)
            return Fired.NOT_ALLOWED, None
        return Fired.SENT, EmailStatus.SENT

    def count(self, email: Automation, fired: Fired) -> None:
        if fired is Fired.SENT:
            self.sent[email] += 1
            count(Metric.EMAILS_SENT)
        elif fired is Fired.HELD_OUT:
            self.held_out[email] += 1

    # -- the night's emails, in batches

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Gather the emails `daily_done` finds, and send them a batch at a time; the last
        batch on leaving. Left by an error in a customer's step, what the steps before it
        called for still goes; left by an interruption, what is gathered and not claimed
        yet is dropped: the next run sends it."""
        self._batching = True
        try:
            try:
                yield
            except Exception:
                # Their steps are committed: one at a time, they had had their emails by now.
                try:
                    self._send_batch()
                except Exception:
                    log.exception("the night's emails before the error not all sent")
                raise
            self._send_batch()
        finally:
            self._batching = False
            self._gathered.clear()

    def _gather(self, customer: Customer, emails: list[Due]) -> None:
        """Add one customer's emails to the batch, sending the batch first if they would
        not fit: a customer's emails go in one batch, their consent read once."""
        if len(self._gathered) + len(emails) > EMAILS_PER_BATCH:
            self._send_batch()
        for email, occasion_key, occasion in emails:
            key = AutomationKey(customer.customer_id, email, occasion_key)
            self._gathered[key] = (customer, occasion)

    def _send_batch(self) -> None:
        """The gathered emails: consent read once a customer, claimed in one write, sent,
        and marked `MARKED_EVERY` to a write (`send_and_mark`)."""
        gathered, self._gathered = self._gathered, {}
        wanted = self._allowed(gathered)
        if not wanted:
            return
        store = self.mailer.store
        second = int(self.mailer.loyalty.clock().timestamp())
        try:
            taken = store.claim_automations(wanted, second, second + CLAIM_SECONDS)
        except StoreError as problem:
            log.error("%d automatic emails not sent: %s", len(wanted), problem)
            self.not_sent.update(key.automation for key in wanted)
            return
        send_and_mark(
            [key for key, got in zip(wanted, taken, strict=True) if got],
            send=lambda key: self.send_claimed(key, *gathered[key]),
            failed=self._not_sent,
            mark=self._mark,
            release=self._release,
        )

    def _allowed(
        self, gathered: dict[AutomationKey, tuple[Customer, Occasion | None]]
    ) -> list[AutomationKey]:
        """The gathered emails the owner wants and each customer's consent allows, the
        consent read once a customer."""
        consents: dict[str, ConsentStatus | None] = {}
        unread: dict[str, StoreError] = {}  # the store failed to say

        def read_once(customer_id: str) -> ConsentStatus | None:
            if customer_id in unread:
                raise unread[customer_id]
            if customer_id not in consents:
                try:
                    consents[customer_id] = self._consent_now(customer_id)
                except StoreError as problem:
                    log.error("emails to %s not sent: %s", customer_id, problem)
                    unread[customer_id] = problem
                    raise
            return consents[customer_id]

        wanted: list[AutomationKey] = []
        for key, (customer, occasion) in gathered.items():
            try:
                refused = self.refused(key.automation, customer, occasion, read_once)
            except StoreError:
                self.not_sent[key.automation] += 1
                continue
            if refused is None:
                wanted.append(key)
        return wanted

    def _not_sent(self, key: AutomationKey) -> Fired:
        """An unexpected error sending one of the night's emails: its claim is freed
        (`send_claimed`, or it lapses), and a run later that day sends it."""
        log.exception("%s to %s not sent", key.automation, key.customer_id)
        self.not_sent[key.automation] += 1
        return Fired.RETRY_LATER

    def _mark(self, sent: list[Sent[AutomationKey]]) -> None:
        """Mark sent, held-out and refused emails in one write, and count them once marked."""
        marks = [(one.claimed, one.mark) for one in sent if one.mark is not None]
        if not marks:
            return
        try:
            self.mailer.store.finish_automations(marks, self.mailer.loyalty.clock())
        except StoreError as problem:
            log.error("%d automatic emails not marked: %s", len(marks), problem)
            self.not_sent.update(key.automation for key, _ in marks)
            return
        for one in sent:
            self.count(one.claimed.automation, one.fired)  # only those sent or held out count

    def _release(self, unsent: Sequence[AutomationKey]) -> None:
        """Claimed and not reached: freed for the next run."""
        for key in unsent:
            self.mailer.store.release_automation(key)

    # -- events (LoyaltyEvents): called after the change is committed

    def owed(
        self,
        automation: Automation,
        customer_id: str,
        result: PurchaseRecorded | RefundRecorded,
        now: datetime,
    ) -> OwedEmail | None:
        """The thank-you a purchase owes, or the feedback request a refund owes (once per
        order, as the questionnaire keeps one answer per order), if the owner wants it."""
        details = occasion_details(automation, result)
        return self.owing(automation, customer_id, result.order_id, now, details)

    def owing(
        self,
        automation: Automation,
        customer_id: str,
        occasion_key: str,
        now: datetime,
        details: dict[str, Any] | None = None,
    ) -> OwedEmail | None:
        """`automation` owed to the customer for this occasion, if the owner wants it."""
        if not configured(self.mailer.programme.automations, automation):
            return None
        key = AutomationKey(customer_id, automation, occasion_key)
        return OwedEmail(key, int(now.timestamp()), details or {})

    def purchase_recorded(self, customer_id: str, result: PurchaseRecorded) -> None:
        self._tell_courier(Automation.THANK_YOU)

    def refund_recorded(self, customer_id: str, result: RefundRecorded) -> None:
        self._tell_courier(Automation.FEEDBACK_REQUEST)

    def _tell_courier(self, automation: Automation) -> None:
        # A replayed request owes nothing new: telling the courier is harmless all the same.
        if configured(self.mailer.programme.automations, automation):
            self.on_owed()

    def occasion_of(self, owed: OwedEmail) -> tuple[Occasion | None, str | None]:
        """What an owed email tells of its occasion, and the order it is about."""
        details = owed.details
        if owed.key.automation is Automation.THANK_YOU:
            available = self._day(datetime.fromisoformat(details["available_at"]))
            return Occasion(points_earned=int(details["points"]), available_on=available), None
        if owed.key.automation is Automation.FEEDBACK_REQUEST:
            return None, owed.key.occasion  # a link about the order
        return None, None  # the welcome

    def daily_done(self, customer_id: str, result: DailyRun) -> None:
        """What tonight's run for this customer calls for, each once."""
        now = self.mailer.loyalty.clock()
        plan = self._plan(self._day(now))
        due = plan.due(result, now)
        certificates = result.certificates
        if not due and not certificates:
            return  # most customers on most nights: no read at all
        customer = self.mailer.store.customer(customer_id)
        if customer is None:
            return  # erased meanwhile
        locale = self.mailer.locale_of(customer)
        emails = [
            (email, occasion_key, occasion)
            for email, occasion_key, occasion in due
            if email is not Automation.HOLIDAY or plan.greets(occasion, locale)
        ]
        if certificates:
            emails += self._certificates(customer, certificates)
        self._gather(customer, emails)
        if not self._batching:  # a single customer's step: their emails go now
            self._send_batch()

    # -- quiet nights (loyalty's NightlyWatch)

    def nightly_key(self, now: datetime) -> str | None:
        """The win-back's wait is all a quiet night rests on here; on a holiday everyone
        is visited and greeted."""
        plan = self._plan(self._day(now))
        if plan.greetings:
            return None
        after = plan.win_back_after
        return f"win_back:{after.total_seconds():.0f}" if after is not None else "win_back:off"

    def quiet_until(self, customer_id: str, result: DailyRun, now: datetime) -> datetime | None:
        """A customer with nothing due tonight may want the win-back when their purchases
        lapse; once it was sent (or refused for good) for this lapse, never again."""
        after = self._plan(self._day(now)).win_back_after
        since = result.last_purchase_at
        if after is None or since is None:
            return NEVER
        if now < since + after:
            return since + after
        occasion = since.isoformat()
        for sent in self.mailer.store.automation_sends(customer_id):
            if (
                sent.key.automation is Automation.WIN_BACK
                and sent.key.occasion == occasion
                and sent.status is not EmailStatus.SENDING
            ):
                return NEVER
        return None  # not sent yet (consent, a retry, a claim to take over): every night

    def _certificates(self, customer: Customer, certificate_ids: tuple[str, ...]) -> list[Due]:
        """The emails of the certificates issued tonight, each with its value, code and
        expiry, which the history holds (read once for all of them)."""
        email = Automation.CERTIFICATE_ISSUED
        try:
            history = self.mailer.store.history(customer.customer_id)
        except StoreError as problem:
            log.error("%s to %s not sent: %s", email, customer.customer_id, problem)
            self.not_sent[email] += len(certificate_ids)
            return []
        issued = {found.certificate_id: found for found in history.certificates}
        emails: list[Due] = []
        for certificate_id in certificate_ids:
            found = issued.get(certificate_id)
            if found is not None:
                note = CertificateNote(found.value, found.code, self._day(found.expires_at))
                emails.append((email, certificate_id, Occasion(certificate=note)))
        return emails

    def _plan(self, today: date) -> DayPlan:
        if today not in self._plans:
            self._plans.clear()
            self._plans[today] = plan_of_day(self.mailer.programme, today)
        return self._plans[today]

    def _day(self, moment: datetime) -> date:
        return moment.astimezone(self.mailer.loyalty.rules.timezone).date()


def holdout_share(automations: Automations, automation: Automation) -> Decimal:
    """The share the owner holds out of this automatic email (0 for those that may not be)."""
    if automation is Automation.HOLIDAY:
        section: object = automations.holidays
    elif automation in (Automation.BIRTHDAY, Automation.WIN_BACK):
        section = getattr(automations, automation.value)
    else:
        return Decimal(0)
    return getattr(section, "holdout", Decimal(0))


def occasion_details(
    automation: Automation, result: PurchaseRecorded | RefundRecorded
) -> dict[str, Any]:
    """What an owed email keeps of its commit's answer: a thank-you, the points earned and
    when they become available (as the answer's JSON has them)."""
    if automation is Automation.THANK_YOU and isinstance(result, PurchaseRecorded):
        answer = result.as_json()
        return {"points": answer["points"], "available_at": answer["available_at"]}
    return {}


def may_receive(status: ConsentStatus | None, *, marketing: bool) -> bool:
    """Marketing needs confirmed consent; nothing goes to a suppressed address."""
    if status is ConsentStatus.SUPPRESSED:
        return False
    return status is ConsentStatus.CONFIRMED or not marketing
