"""Settings for the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.support.dynamodb_local import LOCAL_ENVIRONMENT, running

# In CI the same examples run every time, so a submission is judged on its
# own code, not on the luck of the draw; locally each run explores anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# What a test needs beyond Python, known by the fixtures it uses, so that
# `pytest -m "not browser and not java and not node"` runs where none is
# installed, and a new test cannot forget its mark.
NEEDS: dict[str, tuple[str, ...]] = {
    "browser": ("browser",),  # Chromium, driven by Playwright
    "open_page": ("browser",),
    "dynamodb_local": ("java", "node"),  # the npm package starts Amazon's jar on Java
    "ses_emulator": ("node",),  # the SES v2 emulator, an npm package
}
# Parametrised stores: their DynamoDB case starts DynamoDB Local.
ON_DYNAMODB = ("java", "node")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        needs = {need for name in names & NEEDS.keys() for need in NEEDS[name]}
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "dynamodb" in callspec.params.values():
            needs.update(ON_DYNAMODB)
        for need in sorted(needs):
            item.add_marker(need)


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    """One DynamoDB Local for the session; processes spawned by tests inherit its credentials."""
    with pytest.MonkeyPatch.context() as environment:
        for name, value in LOCAL_ENVIRONMENT.items():
            environment.setenv(name, value)
        with running() as endpoint:
            yield endpoint
