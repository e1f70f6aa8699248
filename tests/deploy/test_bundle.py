"""deployment.zip, unpacked beside a Python that has only boto3 (as Lambda's runtime), works.

Each event goes to the handler as Lambda hands it: the API Gateway proxy
event to `app.app`, the schedule's event to `app.nightly`, with the store on
DynamoDB Local and the emails in an outbox folder.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stampbook.deploy import bundle
from stampbook.deploy.bundle import Package, runtime_requirements
from stampbook.store.dynamodb.store import DynamoStore
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT
from tests.support.lambda_events import proxy_event

from .conftest import WHEELHOUSE

RUNTIME = Path(__file__).with_name("lambda_runtime.py")


@pytest.fixture(scope="module")
def lambda_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv of the runtime's Python holding boto3 only, from the wheelhouse."""
    runtime = bundle.lambda_python()
    if runtime is None:  # the bundle's wheels are for 3.12 alone: nothing else can import it
        pytest.skip("no Python 3.12 on this machine to run the python3.12 bundle")
    venv = tmp_path_factory.mktemp("runtime") / "venv"
    subprocess.run([str(runtime), "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*install, "--no-index", "--find-links", str(WHEELHOUSE), "boto3"], check=True)
    return python


@pytest.fixture(scope="module")
def task(packaged: Package, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle unpacked, as Lambda unpacks it into /var/task."""
    folder = tmp_path_factory.mktemp("task")
    with zipfile.ZipFile(packaged.bundle) as bundle:
        bundle.extractall(folder)
    return folder


@pytest.fixture
def table(dynamodb_local: str) -> Iterator[DynamoStore]:
    store = DynamoStore("stampbook-bundle", endpoint_url=dynamodb_local)
    store.create_table()
    yield store
    store.delete_table()
    store.close()


SCHEDULED_EVENT = {
    "version": "0",
    "id": "c0ffee",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-24T03:00:00Z",
    "region": "eu-central-1",
    "resources": ["arn:aws:events:eu-central-1:123456789012:rule/stampbook-test-nightly"],
    "detail": {},
}


def run_in_lambda(
    python: Path, task: Path, calls: list[dict[str, Any]], environment: dict[str, str]
) -> dict[str, Any]:
    done = subprocess.run(
        [str(python), "-I", str(RUNTIME)],
        cwd=task,
        input=json.dumps(calls),
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_bundle_serves_requests_and_runs_the_night_beside_boto3_alone(
    lambda_python: Path, task: Path, table: DynamoStore, dynamodb_local: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    environment = {
        **LOCAL_ENVIRONMENT,
        "PATH": "/usr/bin:/bin",
        "STAMPBOOK_STORE": "dynamodb",
        "STAMPBOOK_TABLE": "stampbook-bundle",
        "STAMPBOOK_DYNAMODB_ENDPOINT": dynamodb_local,
        "STAMPBOOK_CAMPAIGNS": "campaigns",
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(outbox),
        "STAMPBOOK_SIGNING_KEYS": "k1:" + "s" * 32,
        "STAMPBOOK_NOW": "2026-11-23T18:00:00+03:00",
    }
    sign_up = {
        "email": "boris@example.com",
        "name": "Борис",
        "locale": "ru",
        "consent": True,
        "consent_version": "2026-11-01",
        "website": "",
        "fill_ms": 9000,
    }
    calls = [
        {"handler": "app", "event": proxy_event("GET", "/health")},
        {"handler": "app", "event": proxy_event("POST", "/subscribe", sign_up)},
        {"handler": "nightly", "event": SCHEDULED_EVENT},
    ]

    ran = run_in_lambda(lambda_python, task, calls, environment)

    health, subscribed, night = ran["answers"]
    assert health["statusCode"] == 200
    assert json.loads(health["body"])["status"] == "ok"
    assert subscribed["statusCode"] == 202
    assert night == {"customers": 1}
    customer = table.customer_by_email("boris@example.com")
    assert customer is not None
    assert customer.name == "Борис"
    [sent] = list(outbox.rglob("*.eml"))
    confirmation = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
    assert confirmation["To"].addresses[0].addr_spec == "boris@example.com"
    assert "/confirm/?t=" in confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The libraries came from the bundle, boto3 from the runtime, the owner's tools from nowhere.
    for name in ("stampbook", "pydantic_core", "yaml", "jinja2", "mjml"):
        assert Path(ran["loaded"][name]).is_relative_to(task), (name, ran["loaded"][name])
    assert not Path(ran["loaded"]["boto3"]).is_relative_to(task)
    assert ran["owner_tools"] == []


def test_the_bundle_leaves_out_what_lambda_has_and_what_only_the_owner_runs() -> None:
    names = {re.split(r"[<>=!~ \[]", each)[0].lower() for each in runtime_requirements()}
    assert {"pydantic", "mjml-python", "cryptography", "pyyaml", "jinja2", "babel"} <= names
    assert not names & {"boto3", "chalice", "mkdocs-material", "click", "rich"}


def test_the_bundle_is_built_for_the_python_3_12_runtime(packaged: Package) -> None:
    with zipfile.ZipFile(packaged.bundle) as zipped:
        names = zipped.namelist()
    assert any(re.search(r"pydantic_core/_pydantic_core\.cpython-312-x86_64", n) for n in names)
    assert not any("cpython-311" in n for n in names)  # no other Python's binaries or bytecode
    if bundle.lambda_python() is not None:  # compiled ahead, as Lambda's disk is read-only
        assert any(n.startswith("stampbook/__pycache__/") and "cpython-312" in n for n in names)
