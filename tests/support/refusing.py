"""A transport that answers some recipients as a provider's refusals do, the rest as `outbox`."""

from __future__ import annotations

from stampbook.mail.message import Message
from stampbook.mail.transports.base import Accepted, PermanentError, TransientError, Transport


class Refusing:
    """The outbox, but the provider defers the mailboxes in `deferred` (a transient
    failure, tried again later) and refuses those in `refused` for good."""

    def __init__(self, outbox: Transport, deferred: set[str], refused: set[str]) -> None:
        self.outbox, self.deferred, self.refused = outbox, deferred, refused

    def send(self, message: Message) -> Accepted:
        mailbox = message.to.split("@")[0]
        if mailbox in self.deferred:
            raise TransientError("throttled")
        if mailbox in self.refused:
            raise PermanentError("no such mailbox")
        return self.outbox.send(message)

    def accepts_8bit(self) -> bool:
        return self.outbox.accepts_8bit()

    def close(self) -> None:
        self.outbox.close()
