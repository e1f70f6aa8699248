"""The short questionnaire after a refund or complaint: why did you leave unhappy?

The link in the email is about an order, not a person: the answer is kept
for whoever the order was recorded for, once per order, so a second press
of the button (or a second answer) changes nothing.
"""

from __future__ import annotations

from ..bootstrap import App
from ..feedback import Feedback, FeedbackReason
from ..store.base import UnknownCustomer


def answer_for_order(app: App, order_id: str, reason: FeedbackReason, text: str) -> bool:
    """Keep the answer; False if this order was answered already.

    An unknown order, or one whose customer was erased, is an unknown
    customer: the questionnaire keeps no answer that belongs to no one.
    """
    store = app.store
    owner = store.order_owner(order_id)
    if owner is None or store.customer(owner) is None:
        raise UnknownCustomer(order_id)
    answer = Feedback(f"order:{order_id}", owner, reason, app.loyalty.clock(), text, order_id)
    return store.record_feedback(answer)
