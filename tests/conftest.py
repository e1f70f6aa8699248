"""Settings for the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from .dynamodb_local import LOCAL_ENVIRONMENT, running

# In CI the same examples run every time, so a submission is judged on its
# own code, not on the luck of the draw; locally each run explores anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """One DynamoDB Local for the session; processes spawned by tests inherit its credentials."""
    with pytest.MonkeyPatch.context() as environment:
        for name, value in LOCAL_ENVIRONMENT.items():
            environment.setenv(name, value)
        with running() as endpoint:
            yield endpoint
