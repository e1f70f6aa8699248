"""One small interface for every transport, and the retry policy around it.

A transport sends one message and either returns what the provider said
(`Accepted`) or raises a `DeliveryError` for that message: transient (try
again later: throttling, a dropped connection, a 4xx reply) or permanent
(this message will never go as it is: a rejected address, a 5xx reply).

A transport also says whether it takes 8bit parts (`accepts_8bit`), asked
before each message is made: an SMTP server that announced 8BITMIME, the
outbox; never SES.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ..message import Message


@dataclass(frozen=True, slots=True)
class Accepted:
    message_id: str  # ours, the Message-ID header without brackets
    provider_id: str  # the provider's: an SES message id, an SMTP queue reply, a file name


class DeliveryError(Exception):
    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason if code is None else f"{code}: {reason}")
        self.reason = reason
        self.code = code


class TransientError(DeliveryError):
    """Worth trying again later."""


class PermanentError(DeliveryError):
    """Will fail again however often it is tried."""


class Transport(Protocol):
    def send(self, message: Message) -> Accepted: ...

    def accepts_8bit(self) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: a busy provider is not hit in step."""

    attempts: int = 5
    first: float = 0.5  # seconds before the second attempt, at most
    factor: float = 2.0
    longest: float = 30.0

    def delay(self, retry: int, jitter: float) -> float:
        """The pause before retry number `retry` (0-based); jitter is in [0, 1)."""
        return jitter * min(self.longest, self.first * self.factor**retry)


class Retrying:
    """A transport that tries transient failures again, pausing longer each time."""

    def __init__(
        self,
        transport: Transport,
        backoff: Backoff = Backoff(),
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._transport = transport
        self._backoff = backoff
        self._sleep = sleep
        self._jitter = jitter

    def send(self, message: Message) -> Accepted:
        for retry in range(self._backoff.attempts - 1):
            try:
                return self._transport.send(message)
            except TransientError:
                self._sleep(self._backoff.delay(retry, self._jitter()))
        return self._transport.send(message)  # the last try: its error is the answer

    def accepts_8bit(self) -> bool:
        return self._transport.accepts_8bit()

    def close(self) -> None:
        self._transport.close()


@dataclass(frozen=True, slots=True)
class Report:
    """What became of one message: accepted, or the error that stopped it."""

    message: Message
    accepted: Accepted | None = None
    error: DeliveryError | None = None


def deliver(transport: Transport, messages: Iterable[Message]) -> Iterator[Report]:
    """Send each message; one message's failure is reported, the rest still go."""
    for message in messages:
        try:
            yield Report(message, accepted=transport.send(message))
        except DeliveryError as error:
            yield Report(message, error=error)
