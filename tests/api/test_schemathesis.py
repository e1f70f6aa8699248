"""schemathesis against a live `stampbook serve`: no 5xx, and every answer is as documented.

Every check runs, `positive_data_acceptance` too: a request the description
calls valid is never refused as invalid (400 or 422). A small, derandomized
budget per operation keeps this fit for every run; raise `EXAMPLES` locally
to search harder.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.result import Ok

from .test_serve import serving

EXAMPLES = 20

# What a valid request may still meet, because the answer depends on what the
# server holds or on the moment, never on the request's shape:
STATE_DEPENDENT = [
    "2xx",
    "401",  # the integration key is looked up in the store (revoked, or never issued)
    "403",  # a link's token is checked against the signing keys: one of the right
    #         shape that we did not sign is refused
    "404",  # the customer, order or referral code named is not in the customer file
    "409",  # an id used before, too few points, a refund the recorded order does
    #         not allow, a certificate used or expired
    "429",  # the public forms count requests per caller and per address
    "503",  # the store is busy
]


def within_what_json_schema_can_say(case: Case[Any]) -> bool:
    """Whether a purchase keeps the rules between its fields, which the description
    says in words: JSON Schema cannot say that line ids differ, nor compare the
    tax with the lines' total."""
    body: Any = case.body
    if case.operation.label != "POST /till/purchases" or not isinstance(body, dict):
        return True
    lines: list[dict[str, Any]] = body.get("lines") or []
    ids = [line.get("line_id") for line in lines]
    total = sum(Decimal(str(line.get("amount", 0))) for line in lines)
    return len(set(ids)) == len(ids) and Decimal(str(body.get("tax", 0))) <= total


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with serving(Path(tmp_path_factory.mktemp("schemathesis"))) as running:
        yield running


def test_the_api_answers_as_documented(live: tuple[str, str]) -> None:
    base, key = live
    # The API as the site's forms reach it: under /api/, beside the pages.
    schema = schemathesis.openapi.from_url(f"{base}/api/openapi.json")
    schema.config.update(base_url=f"{base}/api")
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=STATE_DEPENDENT
    )
    failures: dict[str, str] = {}
    found = list(schema.get_all_operations())
    operations = [each.ok() for each in found if isinstance(each, Ok)]
    assert len(operations) == len(found) >= 12  # every described route is exercised
    for operation in operations:

        @given(case=operation.as_strategy().filter(within_what_json_schema_can_say))
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
            )

        try:
            answers_as_documented()
        except (
            Exception,
            BaseExceptionGroup,
        ) as failure:  # every operation's findings, not just the first
            failures[operation.label] = str(failure)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
