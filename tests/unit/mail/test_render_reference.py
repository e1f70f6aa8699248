"""The same MJML passes the reference implementation (npm `mjml`) at strict validation.

mjml-python renders what it can of unknown tags and attributes; the reference
MJML refuses them. Every built-in template in every language goes through it
in one node process, so a template that only mjml-python accepts is caught.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from stampbook.mail.render import EMAILS, Renderer
from stampbook.programme import Programme
from tests.support.mail_examples import LANGUAGES
from tests.support.paths import ROOT

from .conftest import OCCASION, anna

RUNNER = Path(__file__).with_name("reference_mjml.cjs")


pytestmark = pytest.mark.node  # reference MJML runs on Node


def reference_mjml(documents: list[dict[str, str]]) -> list[dict[str, object]]:
    finished = subprocess.run(
        ["node", str(RUNNER)],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        cwd=ROOT,  # node finds ./node_modules/mjml from here
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    results: list[dict[str, object]] = json.loads(finished.stdout)
    return results


def test_every_template_in_every_language_is_valid_reference_mjml(
    renderer: Renderer, example: Programme
) -> None:
    documents = []
    for locale in LANGUAGES:
        for issue in example.newsletters:
            source = renderer.newsletter_mjml(issue, locale)
            documents.append({"name": f"newsletter {issue.slug} ({locale})", "mjml": source})
        for name in EMAILS:
            source = renderer.email_mjml(name, locale, anna(locale=locale), OCCASION)
            documents.append({"name": f"{name} ({locale})", "mjml": source})

    results = reference_mjml(documents)

    assert [r["name"] for r in results] == [d["name"] for d in documents]
    failures = {str(r["name"]): r["errors"] for r in results if r["errors"]}
    assert failures == {}
    assert all(isinstance(r["html_bytes"], int) and r["html_bytes"] > 1000 for r in results)


def test_the_reference_check_does_catch_what_mjml_python_lets_through() -> None:
    lenient = (
        "<mjml><mj-body><mj-section><mj-column>"
        '<mj-text colour="red">x</mj-text><mj-unknown>y</mj-unknown>'
        "</mj-column></mj-section></mj-body></mjml>"
    )
    [result] = reference_mjml([{"name": "lenient", "mjml": lenient}])
    errors = " ".join(map(str, result["errors"]))  # type: ignore[call-overload]
    assert "colour" in errors
    assert "mj-unknown" in errors
