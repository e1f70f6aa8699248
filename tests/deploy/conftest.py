"""One packaged stage for the whole session, and moto's server for the AWS APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from stampbook.deploy.bundle import Package, package
from stampbook.deploy.stage import Stage

from ..moto_server import CREDENTIALS, running

ROOT = Path(__file__).parents[2]
# Filled by `make test` (`stampbook package --fetch-only`): the tests never download.
WHEELHOUSE = ROOT / "build" / "wheelhouse"
STAGE = Stage("test")


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Package:
    """`stampbook package --stage test --offline`, built once per session."""
    if not any(WHEELHOUSE.glob("pydantic_core-*.whl")):
        pytest.fail(f"no wheelhouse at {WHEELHOUSE}: `make test` fills it (or `make unit`)")
    return package(
        STAGE,
        campaigns=ROOT / "campaigns",
        out=tmp_path_factory.mktemp("deploy"),
        wheelhouse=WHEELHOUSE,
        constraints=ROOT / "requirements.lock",
        download=False,
    )


@pytest.fixture(scope="session")
def moto() -> Iterator[str]:
    with running() as endpoint:
        yield endpoint


def aws_client(service: str, endpoint: str) -> Any:
    session: Any = boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=CREDENTIALS["AWS_REGION"],
    )
    return session.client(service, endpoint_url=endpoint)
