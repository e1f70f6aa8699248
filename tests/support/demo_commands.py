"""`stampbook` run as the demo runs it: on its evening, with the customer file and outbox given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .paths import ROOT

NOW = "2026-11-23T18:00:00+03:00"  # the demo's evening


def stampbook(*args: str, db: Path) -> str:
    """What the command printed; the outbox and signing keys sit beside `db`."""
    env = {
        **os.environ,
        "STAMPBOOK_DB": str(db),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(db.parent / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(db.parent / "keys"),
        "STAMPBOOK_SITE_URL": "http://127.0.0.1:8000/",
        "STAMPBOOK_NOW": NOW,
        "STAMPBOOK_SEND_RATE": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "stampbook", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return done.stdout
