"""Every code the API can refuse with is listed, and the site says each in every language.

The codes are read from the source as the code raises them: an `ApiError`
or `error_response` with a literal code, the loyalty engine's error classes,
and the tables of the local server, Chalice and API Gateway.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from stampbook.api.codes import ERROR_CODES, LINK_CODES
from stampbook.api.errors import _CHALICE_CODES
from stampbook.deploy.template import _GATEWAY_REFUSALS
from stampbook.loyalty.errors import LoyaltyError
from stampbook.mail.strings import read_strings
from stampbook.server.origin import _CODES as SERVER_CODES
from stampbook.services.loyalty import CertificateNotUsable
from stampbook.sitegen.words import SITE_LOCALES
from tests.support.paths import PACKAGE

SITE_LANGUAGES = ("en", "ru", "bg", "hy")


def _raised_in_source() -> Iterator[tuple[str, str]]:
    """(where, code) for every literal code given to `ApiError` or `error_response`."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id in ("ApiError", "error_response") and len(node.args) >= 2:
                code = node.args[1]
                if isinstance(code, ast.Constant) and isinstance(code.value, str):
                    yield f"{path.name}:{node.lineno}", code.value


def _loyalty_codes() -> set[str]:
    found, waiting = set(), [LoyaltyError]
    while waiting:
        error = waiting.pop()
        found.add(error.code)
        waiting.extend(error.__subclasses__())
    return found


def test_the_source_raises_codes_and_reading_it_finds_them() -> None:
    raised = dict(_raised_in_source())
    assert "invalid_email" in raised.values()
    assert len(raised) >= 20
    assert CertificateNotUsable.code in _loyalty_codes()


def test_every_code_the_api_can_answer_with_is_listed() -> None:
    answered = {
        *(code for _, code in _raised_in_source()),
        *_loyalty_codes(),
        *_CHALICE_CODES.values(),
        *SERVER_CODES.values(),
        *(code for _, code, _ in _GATEWAY_REFUSALS.values()),
    }
    assert answered - ERROR_CODES == set()
    assert set(LINK_CODES) <= ERROR_CODES


@pytest.mark.parametrize("language", SITE_LANGUAGES)
def test_the_site_has_a_message_for_every_code_in_each_language(language: str) -> None:
    # Each language's own file: falling back to English would put English on its pages.
    texts = read_strings(SITE_LOCALES / f"{language}.yaml")
    said = {key.removeprefix("errors."): text for key, text in texts.items()}
    missing = sorted(code for code in ERROR_CODES if not said.get(code))
    assert missing == []
    unknown = sorted(
        key for key in texts if key.startswith("errors.") and key[7:] not in ERROR_CODES
    )
    assert unknown == []  # a message for a code nothing sends is a stale one
