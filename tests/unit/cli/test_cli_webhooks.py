"""The owner's webhook commands on a real SQLite file, against a receiver on 127.0.0.1: the
secret is shown once, a mistyped command changes nothing, a test post shows the answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.records.customers import Customer
from stampbook.store.sqlite import SqliteStore
from tests.support.outbox import outbox
from tests.support.paths import EXAMPLE
from tests.support.standard_webhooks import verified
from tests.support.webhook_receiver import nobody_listening, webhook_receiver


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "stampbook.db"))
    monkeypatch.setenv("STAMPBOOK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEY_FILE", str(tmp_path / "signing-keys"))
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def endpoints(desk: Path) -> int:
    store = SqliteStore(desk / "stampbook.db")
    try:
        return len(store.webhook_endpoints())
    finally:
        store.close()


def added(url: str, *events: str) -> tuple[str, str]:
    code, said, _ = run("webhooks", "add", url, *(f"--event={e}" for e in events))
    assert code == 0, said
    found = re.search(r"^(ep_\w+): .*\n.*(whsec_\S+)$", said.strip(), re.M)
    assert found is not None, said
    return found.group(1), found.group(2)


def test_the_secret_is_shown_once_and_the_list_shows_its_end_alone(desk: Path) -> None:
    endpoint, secret = added("https://crm.example.com/in", "customer.joined", "points.earned")
    code, listed, _ = run("webhooks", "list")
    assert code == 0
    assert endpoint in listed
    assert "https://crm.example.com/in  customer.joined,points.earned" in listed
    assert secret not in listed
    assert f"whsec_…{secret[-4:]}" in listed
    assert "failures in a row: 0/15" in listed


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["http://crm.example.com/in", "--event", "points.earned"], "use https://"),
        (["https://crm.example.com/in"], "name at least one event"),
        (["https://crm.example.com/in", "--event", "points.spent"], "Invalid value"),
        (
            ["https://crm.example.com/in", "--event", "points.earned", "--disable-after", "0"],
            "Invalid value",
        ),
    ],
)
def test_a_mistyped_endpoint_is_refused_in_a_line_and_nothing_is_kept(
    desk: Path, args: list[str], why: str
) -> None:
    code, said, refused = run("webhooks", "add", *args)
    assert code == 2
    assert why in said + refused
    assert endpoints(desk) == 0


def test_a_test_post_is_signed_logged_and_its_answer_shown(desk: Path) -> None:
    with webhook_receiver(answers=[204, 410]) as receiver:
        endpoint, secret = added(receiver.url, "points.earned")
        assert run("webhooks", "test", endpoint)[:2] == (
            0,
            f"{receiver.received[0].headers['webhook-id']}: {receiver.url} answered HTTP 204\n",
        )
        code, said, _ = run("webhooks", "test", endpoint)
    assert code == 1
    assert "answered HTTP 410" in said
    assert [r.payload["type"] for r in receiver.received] == ["webhook.test"] * 2
    assert all(verified(r, secret) for r in receiver.received)
    code, log, _ = run("webhooks", "log", endpoint)
    assert code == 0
    # Both at the one moment STAMPBOOK_NOW gives: in no particular order.
    assert sorted(line.split()[6] for line in log.splitlines()) == ["delivered", "failed"]


def test_a_receiver_nobody_answers_for_is_told_so(desk: Path) -> None:
    endpoint, _ = added(nobody_listening(), "points.earned")
    code, _, said = run("webhooks", "test", endpoint)
    assert code == 1
    assert "no answer from" in said
    assert "Connection refused" in said
    assert run("webhooks", "list")[1].count("failures in a row: 0/15") == 1  # a test counts not


def test_removing_and_enabling_name_an_endpoint_that_exists(desk: Path) -> None:
    endpoint, _ = added("https://crm.example.com/in", "points.earned")
    assert run("webhooks", "enable", endpoint)[1] == f"{endpoint} was on already\n"
    for command in ("remove", "enable", "test", "log"):
        code, _, said = run("webhooks", command, "ep_nothing")
        assert (code, said) == (1, "Error: no webhook endpoint ep_nothing\n")
    assert run("webhooks", "remove", endpoint)[:2] == (0, f"{endpoint} removed\n")
    assert endpoints(desk) == 0
    assert "no webhook endpoints" in run("webhooks", "list")[1]


def test_a_counter_purchase_posts_before_the_command_ends_and_a_dead_receiver_is_turned_off(
    desk: Path,
) -> None:
    store = SqliteStore(desk / "stampbook.db")
    store.add_customer(Customer("anna", "anna@example.com", datetime(2026, 1, 5, tzinfo=UTC)))
    store.close()
    with webhook_receiver() as receiver:
        added(receiver.url, "points.earned")
        assert run("purchase", "anna@example.com", "450", "--category", "beans")[0] == 0
        assert [r.payload["type"] for r in receiver.received] == ["points.earned"]
        nobody = nobody_listening()
        said = run("webhooks", "add", nobody, "--event=points.earned", "--disable-after=1")[1]
        dead = said.split(":")[0]
        assert run("purchase", "anna@example.com", "450", "--category", "beans")[0] == 0
        assert len(receiver.received) == 2  # the live one still hears
    listed = run("webhooks", "list")[1]
    assert f"{dead}  disabled  {nobody}" in listed
    assert "turned off 2026-11-23 15:00 UTC: failed tries in a row: 1; the last: Conn" in listed
    assert f"`stampbook webhooks enable {dead}`" in listed
    [note] = [m for m in outbox(desk / "outbox") if m["To"] == "owner@mednaya-turka.example"]
    # In the report's language: the example's owner reads Russian.
    assert str(note["Subject"]) == f"Вебхуки на {nobody} отключены"
    assert f"stampbook webhooks enable {dead}" in note.get_content()
    on_again = f"{dead} is on again: events from now on are sent to it\n"
    assert run("webhooks", "enable", dead)[1] == on_again


def test_a_rotated_secret_is_shown_once_and_both_sign_while_the_receiver_changes_over(
    desk: Path,
) -> None:
    with webhook_receiver() as receiver:
        endpoint, old = added(receiver.url, "points.earned")
        code, said, _ = run("webhooks", "rotate", endpoint)
        assert code == 0
        new = re.findall(r"whsec_\S+", said)[0]
        assert new != old
        assert "the old one signs too for 24 h" in said
        assert run("webhooks", "test", endpoint)[0] == 0
        assert run("webhooks", "rotate", endpoint, "--overlap-hours=0")[0] == 0
        assert run("webhooks", "test", endpoint)[0] == 0
    during, after = receiver.received
    assert verified(during, new)
    assert verified(during, old)
    assert not verified(after, new)  # rotated again since: a third secret alone signs
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert run("webhooks", "rotate", "ep_nothing")[:1] == (1,)
