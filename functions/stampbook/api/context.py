"""The wired application the handlers use, built once per process from the environment.

Built on first use, not at import: a Lambda cold start pays only for what a
request needs (law 10).
"""

from __future__ import annotations

import threading

from ..bootstrap import App, build
from ..config import Settings

_lock = threading.Lock()
_current: App | None = None


def current() -> App:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                from .queue import announce_owed_emails

                app = build(Settings.from_env())
                # On AWS: an email a purchase owes is sent by the queue's consumer.
                announce_owed_emails(app)
                _current = app
    return _current


def use(app: App | None) -> None:
    """Serve `app` from now on (a local server, a test); None rebuilds from the environment."""
    global _current
    with _lock:
        _current = app
