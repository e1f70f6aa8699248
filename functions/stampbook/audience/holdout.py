"""Who is held out of an email: a fixed random few, to compare with those who got it.

People who open newsletters are the people who would have come back anyway,
so counting the purchases of those who got an email says little about what
the email did. Keeping a random share from it and comparing the two groups
afterwards does (`report.lift`).

The choice is a keyed hash of the customer and the occasion (the campaign's
slug; an automatic email's kind and occasion), not a draw: the same person
falls on the same side whenever the audience is resolved again, so a send
that is resumed, run twice or run on another worker keeps the split it
started with, and nothing about the split has to be stored before it is used.
The key is the occasion itself: the split is no secret, only random with
respect to anything a customer does.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

_RANGE = 2**64


def held_out(customer_id: str, occasion: str, share: Decimal) -> bool:
    """True if this customer is in the held-out `share` (0 to 1) of `occasion`."""
    if share <= 0:
        return False
    digest = hmac.new(occasion.encode(), customer_id.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") < share * _RANGE


def automation_occasion(automation: str, occasion: str) -> str:
    """What an automatic email's split is keyed by: each birthday, greeting and lapse has its
    own, so nobody is left without the same kind of email year after year."""
    return f"{automation}:{occasion}"
