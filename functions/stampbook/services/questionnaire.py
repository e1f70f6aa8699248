"""The short questionnaire after a refund or complaint: why did you leave unhappy?

The link in the email is about an order, not a person: the answer is kept
for whoever the order was recorded for, once per order, so a second press
of the button (or a second answer) changes nothing.

Anyone may also answer on the site, without a link. That answer is nobody's
file: the order number is kept as typed and never looked up (the form must
not tell a stranger which orders exist, or whose), and an address only when
given, for a reply; it never makes anyone a customer or a subscriber.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from ..records.feedback import Feedback, FeedbackReason, SiteFeedback
from ..store.base import Store, UnknownCustomer
from ..webhooks.events import feedback_received

if TYPE_CHECKING:
    from .webhooks import Webhooks


def answer_for_order(
    store: Store,
    now: datetime,
    order_id: str,
    reason: FeedbackReason,
    text: str,
    webhooks: Webhooks | None = None,
) -> bool:
    """Keep the answer; False if this order was answered already.

    An unknown order, or one whose customer was erased, is an unknown
    customer: the questionnaire keeps no answer that belongs to no one.
    """
    owner = store.order_owner(order_id)
    if owner is None or store.customer(owner) is None:
        raise UnknownCustomer(order_id)
    answer = Feedback(f"order:{order_id}", owner, reason, now, text, order_id)
    received = feedback_received(answer.feedback_id, owner, reason.value, order_id, now)
    told = webhooks.owing([received]) if webhooks is not None else ()
    kept = store.record_feedback(answer, told)
    if kept and told and webhooks is not None:
        webhooks.wake()
    return kept


def answer_on_site(
    store: Store,
    now: datetime,
    reason: FeedbackReason,
    text: str,
    order_ref: str = "",
    reply_to: str = "",
    webhooks: Webhooks | None = None,
) -> SiteFeedback:
    """Keep an answer left on the site; `reply_to` is a normalised address or empty.
    The webhooks hear of it as nobody's: neither the order as typed nor the address."""
    answer = SiteFeedback(uuid.uuid4().hex, reason, now, text, order_ref, reply_to)
    store.record_site_feedback(answer)
    if webhooks is not None:
        webhooks.tell([feedback_received(answer.feedback_id, None, reason.value, None, now)])
    return answer
