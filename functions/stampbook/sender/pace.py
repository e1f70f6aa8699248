"""The configured rate, held across every worker: slots reserved in the store.

The store keeps the next free moment to send at. A worker reserves a few
slots at a time (a twentieth of a second's worth), one conditional update for
all of them, and sends each message no earlier than its slot. Slots are
handed out in order and never twice, so however many threads, processes or
Lambdas send, together they never go faster than the rate. A slot a worker
does not use (the person was skipped) is simply lost: the rate can only be
undershot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..store.sends import SendStore

PACE_KEY = "mail"  # one provider account, one pace for every campaign
RESERVE_SECONDS = 0.05


@dataclass
class Pace:
    store: SendStore
    rate: float  # messages per second; 0 = as fast as the transport takes them
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    _slots: list[float] = field(default_factory=list)

    def wait(self) -> None:
        """Return at this worker's next slot."""
        if self.rate <= 0:
            return
        if not self._slots:
            spacing = 1 / self.rate
            count = max(1, int(self.rate * RESERVE_SECONDS))
            first = self.store.reserve_pace(PACE_KEY, count, spacing, self.clock())
            self._slots = [first + n * spacing for n in range(count)][::-1]
        slot = self._slots.pop()
        delay = slot - self.clock()
        if delay > 0:
            self.sleep(delay)
