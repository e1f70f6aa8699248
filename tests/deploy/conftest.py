"""One packaged stage for the whole session, and moto's server for the AWS APIs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from stampbook.deploy.bundle import Package, package
from stampbook.deploy.stage import Stage
from tests.support.moto_server import CREDENTIALS, running
from tests.support.paths import ROOT

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


@pytest.fixture
def s3(moto: str) -> Any:
    return aws_client("s3", moto)


@pytest.fixture
def bucket(s3: Any) -> str:
    """A bucket of the test's own, versioned so every upload leaves a trace."""
    name = f"stampbook-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def aws_client(service: str, endpoint: str) -> Any:
    session: Any = boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=CREDENTIALS["AWS_REGION"],
    )
    return session.client(service, endpoint_url=endpoint)
