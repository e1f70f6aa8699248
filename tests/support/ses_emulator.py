"""The SES v2 emulator (npm aws-ses-v2-local) on 127.0.0.1, started and stopped by its PID."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import ROOT
from .processes import free_port, stop


@dataclass(frozen=True)
class SesEmulator:
    url: str

    def emails(self, since: int | None = None) -> list[dict[str, Any]]:
        """What it accepted (each with `at`, in whole seconds), from `since` on if given."""
        query = "" if since is None else f"?since={since}"
        with urllib.request.urlopen(f"{self.url}/store{query}") as response:
            emails: list[dict[str, Any]] = json.load(response)["emails"]
            return emails


@contextmanager
def running(log: Path) -> Iterator[SesEmulator]:
    entry = ROOT / "node_modules" / "aws-ses-v2-local" / "dist" / "cli.js"
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "SMTP_TRANSPORT"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["node", str(entry), "--host", "127.0.0.1", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(f"{url}/health-check", process)
            yield SesEmulator(url)
        finally:
            stop(process)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the SES emulator exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the SES emulator did not answer at {url}")
