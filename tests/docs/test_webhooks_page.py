"""The webhook page's worked example is true: its signature is the one Stampbook sends for
its body and secret, and the receiver's snippet on the page accepts it."""

from __future__ import annotations

import re
import time

import pytest

from stampbook.webhooks.signing import signed_headers
from tests.support.paths import ROOT

PAGE = (ROOT / "docs" / "pages" / "integrator" / "webhooks.md").read_text(encoding="utf-8")


def _block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", PAGE, re.S)
    assert found is not None, f"no {language} block on the page"
    return found.group(1)


def _example() -> tuple[dict[str, str], str]:
    head, _, body = _block("http").partition("\n\n")
    headers = dict(line.split(": ", 1) for line in head.splitlines()[1:])
    return headers, body.strip()


def test_the_example_is_signed_as_stampbook_signs() -> None:
    headers, body = _example()
    secret = re.search(r'SECRET = "(whsec_[^"]+)"', _block("python"))
    assert secret is not None
    sent = signed_headers(
        secret.group(1), headers["webhook-id"], int(headers["webhook-timestamp"]), body
    )
    assert {name: headers[name] for name in sent} == sent


def test_the_receivers_snippet_accepts_the_example_and_refuses_a_changed_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers, body = _example()
    scope: dict[str, object] = {}
    exec(_block("python"), scope)  # the page's own code, as a receiver would paste it
    check = scope["from_stampbook"]
    assert callable(check)
    monkeypatch.setattr(time, "time", lambda: int(headers["webhook-timestamp"]) + 30)
    assert check(headers, body.encode())
    assert not check(headers, body.replace('"points":45', '"points":4500').encode())
    monkeypatch.setattr(time, "time", lambda: int(headers["webhook-timestamp"]) + 3600)
    assert not check(headers, body.encode())  # an old delivery replayed
