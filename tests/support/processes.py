"""What the suite's servers share: a free loopback port, and stopping by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess

from tests.support.paths import FUNCTIONS as FUNCTIONS  # and importable from here, as before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM by PID, then SIGKILL if it has not gone in ten seconds."""
    os.kill(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()


def this_package() -> dict[str, str]:
    """PYTHONPATH for a spawned `python -m stampbook`: the package beside these tests,
    whatever the virtualenv was installed from."""
    return {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(FUNCTIONS), os.environ.get("PYTHONPATH")]))
    }
