"""Reading what the outbox transport wrote: the .eml files, oldest first."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import cast


def outbox(folder: Path) -> list[EmailMessage]:
    """The emails sent so far, oldest first."""
    return [
        message_from_bytes(path.read_bytes(), policy=default)
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(cast(EmailMessage, part).get_content())
