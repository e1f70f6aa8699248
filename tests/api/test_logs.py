"""No address, link token or integration key reaches a log, whatever the route does."""

from __future__ import annotations

import logging

import pytest

from stampbook.api import till as till_routes

from .conftest import NOW, Api, link_token

VERA = "vera.secret@example.com"
SIGN_UP = {
    "email": VERA,
    "name": "Vera",
    "locale": "en",
    "consent": True,
    "consent_version": "2026-11-01",
    "fill_ms": 12000,
}


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at DEBUG and up, caught at the root logger as Lambda's runtime
    catches them: the package's loggers propagate (see `stampbook.api.app`)."""
    caplog.set_level(logging.DEBUG)
    return caplog


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.exc_text or ''} {record.exc_info or ''}"
        for record in caplog.records
    )


def test_routes_given_addresses_and_tokens_log_neither(
    api: Api, logged: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert api.call("POST", "/subscribe", SIGN_UP, None)[0] == 202
    confirm = link_token(api.outbox[-1], "confirm/")
    assert api.call("GET", f"/subscribe/confirm?t={confirm}", key=None)[0] == 200
    assert api.call("POST", "/subscribe/confirm", {"token": confirm}, None)[0] == 200
    assert api.call("POST", "/points", {"email": "anna@example.com"}, None)[0] == 202
    points = link_token(api.outbox[-1], "points/")
    assert api.call("GET", f"/points?t={points}", key=None)[0] == 200
    assert api.call("GET", f"/points?t={points}x", key=None)[0] == 403
    assert api.call("POST", "/points", {"email": f"not an address {VERA}"}, None)[0] == 422
    told = {"reason": "other", "text": "—", "email": VERA, "fill_ms": 9000}
    assert api.call("POST", "/feedback/site", told, None)[0] == 202
    assert api.call("POST", "/feedback/site", {**told, "email": f"x {VERA}"}, None)[0] == 422
    purchase = {
        "customer": {"email": VERA},
        "order_id": "T-1",
        "placed_at": NOW.isoformat(),
        "lines": [{"line_id": "1", "category": "beans", "amount": "10"}],
    }
    assert api.call("POST", "/till/purchases", purchase)[0] == 200  # she signed up above
    assert api.call("POST", "/till/purchases", purchase, key=f"{api.key}x")[0] == 401

    def broken(*_: object) -> None:
        raise RuntimeError(f"the store choked on {VERA} with {confirm}")

    # An unexpected failure whose message holds both: still a bare 500, and a
    # log line that names the error's type and where it was, not its message.
    monkeypatch.setattr(till_routes, "_customer", broken)
    assert api.call("POST", "/till/purchases", purchase)[0] == 500

    text = everything_logged(logged)
    assert "RuntimeError" in text  # the capture works: the failure was logged
    # Where it failed, so it can be found: the frames, innermost first.
    assert "test_logs.py:" in text
    assert " broken < " in text
    assert "api/till.py:" in text
    for secret in (VERA, "anna@example.com", confirm, points, api.key):
        assert secret not in text
    assert VERA.split("@")[0] not in text
