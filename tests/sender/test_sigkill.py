"""`stampbook send` killed with SIGKILL at random moments, then run again, through real SMTP.

The SMTP server runs in its own process and logs each message it accepts.
Afterwards everyone has the newsletter; a second copy is possible only for
the messages a killed worker had sent but not yet recorded (at most
`settle_every` + 1 per worker per kill: the documented in-flight window).
An issue with a holdout keeps everyone on the side of the split they were
first put on, however often the send is killed and started again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.audience.holdout import held_out
from stampbook.store.sends import CampaignState, SendStatus
from stampbook.store.sqlite import SqliteStore
from tests.sender.conftest import lines
from tests.support.paths import EXAMPLE
from tests.support.people import ISSUE, address, customer_file

PEOPLE = 5000
KILLS = 3
WORKERS = 4
SETTLE_EVERY = 10


@pytest.mark.parametrize("holdout", [None, "10%"])
def test_killed_again_and_again_everyone_gets_it_once(
    tmp_path: Path, sink: tuple[int, Path], holdout: str | None
) -> None:
    port, log = sink
    app = customer_file(tmp_path, PEOPLE)
    app.store.close()
    campaigns = EXAMPLE
    if holdout:
        campaigns = tmp_path / "campaigns"
        shutil.copytree(EXAMPLE, campaigns)
        with (campaigns / "newsletters" / f"{ISSUE}.yaml").open("a") as issue:
            issue.write(f"holdout: {holdout}\n")
    environment = {
        **os.environ,
        "STAMPBOOK_CAMPAIGNS": str(campaigns),
        "STAMPBOOK_DB": str(tmp_path / "stampbook.db"),
        "STAMPBOOK_NOW": "2026-11-23T18:00:00+03:00",
        "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 43,
        "STAMPBOOK_MAIL": "smtp",
        "STAMPBOOK_SMTP_HOST": "127.0.0.1",
        "STAMPBOOK_SMTP_PORT": str(port),
        "STAMPBOOK_SMTP_SECURITY": "none",
        "STAMPBOOK_SEND_RATE": "0",
        "STAMPBOOK_SEND_WORKERS": str(WORKERS),
        "STAMPBOOK_SEND_BATCH": "50",
        "STAMPBOOK_SEND_LEASE": "2",
        "STAMPBOOK_SEND_SETTLE_EVERY": str(SETTLE_EVERY),
    }
    command = [sys.executable, "-m", "stampbook", "send", ISSUE, "--now"]
    chance = random.Random()
    for _ in range(KILLS):
        sender = subprocess.Popen(command, env=environment, cwd=tmp_path, stderr=subprocess.PIPE)
        # Killed in the middle of sending: once a random number more have arrived.
        arrived = lines(log) + chance.randint(200, 1000)
        while lines(log) < arrived and sender.poll() is None:
            time.sleep(0.01)
        assert sender.poll() is None, "the send finished before it could be interrupted"
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()
    kills = KILLS
    finish = subprocess.run(
        command, env=environment, cwd=tmp_path, capture_output=True, timeout=300
    )
    assert finish.returncode == 0, finish.stderr.decode()

    store = SqliteStore(tmp_path / "stampbook.db")
    # The split the issue's hash makes, and the one the records kept through the kills.
    ids = dict(store.connection().execute("SELECT email, customer_id FROM customers"))
    share = Decimal(holdout.rstrip("%")) / 100 if holdout else Decimal(0)
    kept_out = {email for email, c in ids.items() if held_out(c, ISSUE, share)}
    recorded = {
        email
        for (email,) in store.connection().execute(
            "SELECT c.email FROM sends s JOIN customers c USING (customer_id)"
            " WHERE s.campaign = ? AND s.status = ?",
            (ISSUE, SendStatus.HELD_OUT.value),
        )
    }
    assert recorded == kept_out
    assert (len(kept_out) > PEOPLE * 0.08) if holdout else not kept_out

    copies = Counter(log.read_text().split())
    everyone = {address(n) for n in range(PEOPLE)}
    assert set(copies) == everyone - kept_out
    duplicates = sum(count - 1 for count in copies.values())
    print(f"{kills} kills, {duplicates} second copies")  # shown with -s
    assert duplicates <= kills * WORKERS * (SETTLE_EVERY + 1)
    campaign = store.campaign(ISSUE)
    assert campaign is not None
    assert campaign.state is CampaignState.FINISHED
    audience = PEOPLE - len(kept_out)
    assert (campaign.audience, campaign.sent, campaign.skipped, campaign.failed) == (
        audience,
        audience,
        0,
        0,
    )
    assert campaign.held_out == len(kept_out)
