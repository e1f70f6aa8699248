"""moto's server: S3, CloudFront and CloudFormation APIs on 127.0.0.1, stopped by its PID."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import free_port, stop

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
# moto accepts any credentials; these keep boto3 from looking for real ones.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_REGION": "eu-central-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class MotoFailed(RuntimeError):
    pass


@contextmanager
def running(startup_seconds: float = 60) -> Iterator[str]:
    """Start moto's server on a free loopback port, yield its URL, stop it by PID."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        command = [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)]
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_seconds
            while not _answers(endpoint):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read().decode(errors="replace")
                    raise MotoFailed(f"moto_server did not answer on {endpoint}:\n{said}")
                time.sleep(0.1)
            yield endpoint
        finally:
            stop(server)


def _answers(endpoint: str) -> bool:
    try:
        urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True
