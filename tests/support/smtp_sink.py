"""An SMTP server in a process of its own, so it outlives a sender killed mid-send.

    python -m tests.support.smtp_sink PORT LOG

Each message accepted adds a line with its recipient to LOG, written before
the 250 reply: what the sender was told was accepted is in the log.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Log:
    def __init__(self, path: Path) -> None:
        self.file = path.open("a", encoding="utf-8", buffering=1)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        for recipient in envelope.rcpt_tos:
            self.file.write(recipient + "\n")
        return "250 2.0.0 Ok: queued"


def main() -> None:
    port, log = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Log(log), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
