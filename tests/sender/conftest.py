"""What the sending tests share: an SMTP server in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.processes import free_port


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """`tests.support.smtp_sink` on a free port: its port, and the log of recipients."""
    port, log = free_port(), tmp_path / "received.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.smtp_sink", str(port), str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    assert server.stdout.readline().strip() == b"ready"
    try:
        yield port, log
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def lines(log: Path) -> int:
    """How many messages the sink has accepted so far."""
    return log.read_bytes().count(b"\n") if log.exists() else 0
