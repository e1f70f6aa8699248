"""schemathesis against a live `stampbook serve`: no 5xx, and every answer is as documented.

A small, derandomized budget per operation keeps this fit for every run;
raise `EXAMPLES` locally to search harder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .test_serve import serving

EXAMPLES = 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving(Path(tmp_path_factory.mktemp("schemathesis"))) as running:
        yield running


def test_the_api_answers_as_documented(live: tuple[str, str]) -> None:
    base, key = live
    # The API as the site's forms reach it: under /api/, beside the pages.
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    schema.config.update(base_url=f"{base}/api")
    failures: dict[str, str] = {}
    found = list(schema.get_all_operations())
    operations = [each.ok() for each in found if isinstance(each, Ok)]
    assert len(operations) == len(found) >= 12  # every described route is exercised
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case: Case[Any]) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"},
                # A schema-valid body may still name a category, reward, locale or
                # customer the programme does not have: a documented 404 or 422.
                excluded_checks=[positive_data_acceptance],
            )

        try:
            answers_as_documented()
        except (
            Exception,
            BaseExceptionGroup,
        ) as failure:  # every operation's findings, not just the first
            failures[operation.label] = str(failure)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
