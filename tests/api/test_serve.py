"""`stampbook serve` as a real process: the site and the API on one origin.

A till records a purchase at the API's root addresses; the site's forms use
the same API under /api/ beside the pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key
from stampbook.services.webhooks import Webhooks
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE
from tests.support.processes import free_port, this_package
from tests.support.standard_webhooks import verified
from tests.support.webhook_receiver import webhook_receiver

from .conftest import NOW, link_token, outbox, text_of

PAGES = {
    "index.html": "<h1>home</h1>",
    "404.html": "<h1>not here</h1>",
    "points/index.html": "<h1>my points</h1>",
    "en/index.html": "<h1>home, in English</h1>",
    "en/404.html": "<h1>not here, in English</h1>",
}


@contextmanager
def serving(folder: Path) -> Iterator[tuple[str, str]]:
    """`stampbook serve` on a fresh database and a small site in `folder`: its URL, a till's key."""
    with server(folder) as (_, base, token):
        yield base, token


@contextmanager
def server(folder: Path, *options: str) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    """`serving`, with `options` for `stampbook serve`, and its process too."""
    site = folder / "site"
    for name, text in PAGES.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    database = folder / "served.db"
    store = SqliteStore(database)
    store.add_customer(Customer("c1", "anna@example.com", NOW, referral_code="ANNA2345"))
    record, token = issue_key("till", NOW)
    store.add_integration_key(record)
    store.close()
    port = free_port()
    env = {
        **os.environ,
        **this_package(),
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(database),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(folder / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(folder / "signing-keys"),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "stampbook", "serve", *options),
            *("--port", str(port), "--site", str(site)),
        ],
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
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"stampbook serve did not start:\n{output}")
                time.sleep(0.1)
        yield process, base, token
    finally:
        process.terminate()
        # SIGTERM stops it as Ctrl-C does: the courier finishes, the server says so.
        said, _ = process.communicate(timeout=10)
        assert b"stopped" in said, said.decode(errors="replace")


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


def cpus_of_threads(pid: int) -> dict[str, set[int]]:
    """Each of the process's threads (by name) and the CPUs it may run on, as Linux lists them."""
    threads = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "status").read_text()
        except FileNotFoundError:
            continue  # a connection's thread that ended while the list was read
        status = dict(line.split(":\t", 1) for line in text.splitlines())
        cpus: set[int] = set()
        for part in status["Cpus_allowed_list"].split(","):  # e.g. "0-1,4"
            first, _, last = part.partition("-")
            cpus.update(range(int(first), int(last or first) + 1))
        threads[f"{status['Name']} {task.name}"] = cpus
    return threads


def test_the_servers_threads_share_one_cpu_unless_told_to_spread(tmp_path: Path) -> None:
    order = {
        "customer": {"code": "ANNA2345"},
        "order_id": "T-1",
        "placed_at": "2026-11-23T12:00:00+03:00",
        "lines": [{"line_id": "1", "category": "beans", "amount": "1000"}],
    }
    allowed = os.sched_getaffinity(0)  # what this test and the servers it starts may use

    with server(tmp_path / "one") as (process, base, token):
        assert post(f"{base}/till/purchases", order, token)[0] == 200
        threads = cpus_of_threads(process.pid)
    with server(tmp_path / "spread", "--all-cpus") as (process, base, token):
        spread = cpus_of_threads(process.pid)

    assert len(threads) >= 2  # the main thread and the courier's, at least
    assert all(cpus == {max(allowed)} for cpus in threads.values()), threads
    assert all(cpus == allowed for cpus in spread.values()), spread


def test_the_servers_courier_sends_the_thank_you_after_the_answer_and_stops_with_it(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as (base, token):
        order = {
            "customer": {"code": "ANNA2345"},
            "order_id": "T-200",
            "placed_at": "2026-11-23T12:00:00+03:00",
            "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
        }
        assert post(f"{base}/till/purchases", order, token)[0] == 200
        deadline = time.monotonic() + 30
        while not (tmp_path / "outbox").exists() or not outbox(tmp_path / "outbox"):
            assert time.monotonic() < deadline, "the courier sent nothing"
            time.sleep(0.05)
    [thanks] = outbox(tmp_path / "outbox")
    assert thanks["To"].addresses[0].addr_spec == "anna@example.com"
    store = SqliteStore(tmp_path / "served.db")
    assert store.owed_emails_due(99_999_999_999, 10) == []
    store.close()


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
    api = f"{base}/api"
    assert post(f"{api}/subscribe", sign_up, None) == (202, {"status": "accepted"})
    # The confirmation is owed with the sign-up; the server's courier sends it.
    deadline = time.monotonic() + 30
    while not outbox(tmp_path / "outbox"):
        assert time.monotonic() < deadline, "the courier sent no confirmation"
        time.sleep(0.05)
    [confirmation] = outbox(tmp_path / "outbox")
    assert confirmation["To"].addresses[0].addr_spec == "vera@example.com"
    # The email links to this very server's page, not to the public site, and to
    # the page in Vera's language (English; the default, Russian, is at the root).
    token = link_token(confirmation, "confirm/")
    assert f"{base}/en/confirm/?t={token}" in text_of(confirmation)
    assert post(f"{api}/subscribe/confirm", {"token": token}, None) == (
        200,
        {"status": "confirmed"},
    )
    # The welcome is owed with the confirmation; the server's courier sends it.
    deadline = time.monotonic() + 30
    while len(outbox(tmp_path / "outbox")) < 2:
        assert time.monotonic() < deadline, "the courier sent no welcome"
        time.sleep(0.05)
    confirmation_again, welcome = outbox(tmp_path / "outbox")
    assert confirmation_again["Message-ID"] == confirmation["Message-ID"]
    assert welcome["Subject"] == "Welcome to Copper Cezve, Vera!"
    assert "List-Unsubscribe=One-Click" in welcome["List-Unsubscribe-Post"]
    assert f"<{base}/api/unsubscribe/one-click?t=" in welcome["List-Unsubscribe"]


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read().decode()


def test_pages_and_the_api_share_one_origin(served: tuple[str, str]) -> None:
    base, _ = served
    assert get(f"{base}/") == (200, "text/html", PAGES["index.html"])
    assert get(f"{base}/points/") == (200, "text/html", PAGES["points/index.html"])
    assert get(f"{base}/en/") == (200, "text/html", PAGES["en/index.html"])
    status, kind, health = get(f"{base}/api/health")
    assert (status, kind, json.loads(health)["status"]) == (200, "application/json", "ok")
    # At the root too, where no page has the address: what tills already call.
    assert get(f"{base}/health")[:2] == (200, "application/json")
    not_found = (404, "text/html; charset=utf-8")
    assert get(f"{base}/no-such-page/") == (*not_found, PAGES["404.html"])
    assert get(f"{base}/en/no-such-page/") == (*not_found, PAGES["en/404.html"])
    # The API's envelope, not a page (nor API Gateway's "403 Missing Authentication Token").
    assert get(f"{base}/api/no-such-route")[:2] == (404, "application/json")


def test_the_servers_webhook_courier_posts_a_purchases_points_signed(tmp_path: Path) -> None:
    with webhook_receiver() as receiver, serving(tmp_path) as (base, token):
        store = SqliteStore(tmp_path / "served.db")
        endpoint = Webhooks(store, lambda: NOW).add(receiver.url, ["points.earned"])
        order = {
            "customer": {"code": "ANNA2345"},
            "order_id": "T-300",
            "placed_at": "2026-11-23T12:00:00+03:00",
            "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
        }
        assert post(f"{base}/till/purchases", order, token)[0] == 200
        deadline = time.monotonic() + 30
        while not receiver.received:
            assert time.monotonic() < deadline, "the webhook courier posted nothing"
            time.sleep(0.05)
    [points] = receiver.received
    assert verified(points, endpoint.secret)
    assert points.payload["data"]["points"] == 45
    assert store.owed_webhooks_due(99_999_999_999, 10) == []
    store.close()
