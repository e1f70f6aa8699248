"""Acting on what the mail provider reports: stop mailing who bounced or complained."""

from __future__ import annotations

from dataclasses import replace

from ..audience.consent import ConsentRecord
from ..audience.mail_events import CONSENT_AFTER, MailEvent, MailEventKind
from ..metrics import Metric, count
from ..records.customers import InvalidEmail, normalise_email
from ..store.base import Store
from ..store.sends import SendStore


def handle_mail_events(store: Store, events: list[MailEvent]) -> int:
    """Record each event once and change consent as it requires; returns how many were new.

    Consent changes first, the event second: should the process die between
    the two, the provider's retry finds no event and repeats the change,
    which is harmless, instead of finding the event and skipping it.
    """
    new = 0
    for event in events:
        try:
            customer = store.customer_by_email(normalise_email(event.email))
        except InvalidEmail:
            customer = None
        owned = replace(event, customer_id=customer.customer_id if customer else None)
        status = CONSENT_AFTER.get(event.kind)
        if (
            customer is not None
            and status is not None
            and owned.event_id not in {e.event_id for e in store.mail_events(customer.customer_id)}
        ):
            store.record_consent(
                customer.customer_id,
                ConsentRecord(status, event.at, form=f"ses:{event.kind.value}"),
            )
        recorded = store.record_mail_event(owned)
        new += recorded
        if recorded and event.kind in _COUNTED:
            count(_METRICS[event.kind])
        if recorded and event.kind in _COUNTED and isinstance(store, SendStore):
            # The campaign that sent it counts it once, for its auto-pause.
            store.count_mail_event(event.message_id, event.kind is MailEventKind.BOUNCE)
    return new


_COUNTED = (MailEventKind.BOUNCE, MailEventKind.COMPLAINT)
_METRICS = {MailEventKind.BOUNCE: Metric.BOUNCES, MailEventKind.COMPLAINT: Metric.COMPLAINTS}
