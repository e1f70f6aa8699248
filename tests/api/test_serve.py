"""`stampbook serve` as a real process: a till records a purchase over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stampbook.customers import Customer
from stampbook.integrations import issue_key
from stampbook.store.sqlite import SqliteStore

from .conftest import EXAMPLE, NOW, link_token, outbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, str]]:
    """`stampbook serve` on a fresh database in `folder`: its base URL and a till's key."""
    database = folder / "served.db"
    store = SqliteStore(database)
    store.add_customer(Customer("c1", "anna@example.com", NOW, referral_code="ANNA2345"))
    record, token = issue_key("till", NOW)
    store.add_integration_key(record)
    store.close()
    port = free_port()
    env = {
        **os.environ,
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(database),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(folder / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(folder / "signing-keys"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "stampbook", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"stampbook serve did not start:\n{output}")
                time.sleep(0.1)
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    with serving(tmp_path) as running:
        yield running


def post(url: str, body: object, token: str | None) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_a_till_records_a_purchase_over_http_and_a_retry_changes_nothing(
    served: tuple[str, str],
) -> None:
    base, token = served
    order = {
        "customer": {"code": "ANNA2345"},
        "order_id": "T-100",
        "placed_at": "2026-11-23T12:00:00+03:00",
        "lines": [{"line_id": "1", "category": "beans", "amount": "1000"}],
    }
    status, first = post(f"{base}/till/purchases", order, token)
    assert status == 200
    assert first["points"] == 100  # beans earn double: 1000 ₽ -> 2 x 50
    assert post(f"{base}/till/purchases", order, token) == (200, first)
    status, refusal = post(f"{base}/till/purchases", order, "sbk_wrong_key")
    assert status == 401
    assert refusal["error"] == {
        "code": "unauthorized",
        "message": "a valid integration key is required",
        "field": None,
    }


def test_sign_up_confirmation_email_confirm_and_welcome_over_http(
    served: tuple[str, str], tmp_path: Path
) -> None:
    base, _ = served
    sign_up = {
        "email": "vera@example.com",
        "name": "Vera",
        "locale": "en",
        "consent": True,
        "consent_version": "2026-11-01",
        "fill_ms": 12000,
    }
    assert post(f"{base}/subscribe", sign_up, None) == (202, {"status": "accepted"})
    [confirmation] = outbox(tmp_path / "outbox")
    assert confirmation["To"].addresses[0].addr_spec == "vera@example.com"
    token = link_token(confirmation, "confirm/")
    assert post(f"{base}/subscribe/confirm", {"token": token}, None) == (
        200,
        {"status": "confirmed"},
    )
    confirmation_again, welcome = outbox(tmp_path / "outbox")
    assert confirmation_again["Message-ID"] == confirmation["Message-ID"]
    assert welcome["Subject"] == "Welcome to Copper Cezve, Vera!"
    assert "List-Unsubscribe=One-Click" in welcome["List-Unsubscribe-Post"]
