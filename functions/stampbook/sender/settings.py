"""How fast and how wide a campaign is sent: from the environment, with safe defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..config import SettingsError


@dataclass(frozen=True)
class SendingSettings:
    # Messages per second for all workers, processes and Lambdas together.
    # SES starts new accounts at 1/s (sandbox) and most at 14/s; 0 = no limit
    # (the outbox folder, a local sink).
    rate: float = 14.0
    workers: int = 4  # threads of one `stampbook send`
    batch: int = 100  # records one claim takes
    lease: float = 120.0  # seconds a claim is held before others may take it over
    # Accepted messages recorded per transaction: the most one crashed worker
    # may send twice (see the package's docstring).
    settle_every: int = 20
    attempts: int = 5  # tries of one message through transient failures
    queue: str = "stampbook-sends"  # the SQS queue on AWS
    queue_url: str | None = None  # set: `send` enqueues batches instead of sending itself

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SendingSettings:
        env = os.environ if env is None else env
        return cls(
            rate=_number(env, "STAMPBOOK_SEND_RATE", cls.rate, minimum=0),
            workers=int(_number(env, "STAMPBOOK_SEND_WORKERS", cls.workers, minimum=1)),
            batch=int(_number(env, "STAMPBOOK_SEND_BATCH", cls.batch, minimum=1)),
            lease=_number(env, "STAMPBOOK_SEND_LEASE", cls.lease, minimum=1),
            settle_every=int(_number(env, "STAMPBOOK_SEND_SETTLE_EVERY", cls.settle_every, 1)),
            attempts=int(_number(env, "STAMPBOOK_SEND_ATTEMPTS", cls.attempts, minimum=1)),
            queue=env.get("STAMPBOOK_SEND_QUEUE") or cls.queue,
            queue_url=env.get("STAMPBOOK_SEND_QUEUE_URL") or None,
        )

    def claim_size(self) -> int:
        """A batch small enough to be sent well inside its lease at the configured rate."""
        if self.rate <= 0:
            return self.batch
        return max(1, min(self.batch, int(self.rate * self.lease / 2)))


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r} is not a number") from None
    if value < minimum:
        raise SettingsError(f"{name}={text!r}: at least {minimum:g}")
    return value
