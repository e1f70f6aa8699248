"""`stampbook send-test`: one real copy through the configured transport, here the outbox."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from stampbook.bootstrap import open_keyring
from stampbook.cli.main import main
from stampbook.config import Settings
from stampbook.mail.links import LinkSettingsError, web_address
from stampbook.mail.tokens import Purpose
from tests.support.paths import EXAMPLE


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_MAIL", "outbox")
    monkeypatch.setenv("STAMPBOOK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEY_FILE", str(tmp_path / "keys"))
    return tmp_path / "outbox"


def sent(outbox: Path) -> EmailMessage:
    (entry,) = [json.loads(line) for line in (outbox / "index.jsonl").read_text().splitlines()]
    raw = (outbox / entry["file"]).read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_a_newsletter_copy_carries_a_working_one_click_unsubscribe(outbox: Path) -> None:
    result = CliRunner().invoke(
        main, ["send-test", "2026-12-winter-lots", "--to", "owner@example.com", "--locale", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "sent 2026-12-winter-lots (en) to owner@example.com via outbox" in result.stdout
    message = sent(outbox)
    assert message["To"].addresses[0].addr_spec == "owner@example.com"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(message["List-Unsubscribe"]).strip("<>")
    assert url.startswith("https://mednaya-turka.example/api/unsubscribe/one-click?t=")
    token = parse_qs(urlsplit(url).query)["t"][0]
    keyring = open_keyring(Settings.from_env())
    claim = keyring.verify(token, Purpose.UNSUBSCRIBE, datetime.now(UTC))
    assert claim.purpose is Purpose.UNSUBSCRIBE
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None


def test_a_copy_from_a_local_run_links_to_that_machine(
    outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAMPBOOK_SITE_URL", "http://127.0.0.1:8000/")
    result = CliRunner().invoke(
        main, ["send-test", "2026-12-winter-lots", "--to", "owner@example.com", "--locale", "en"]
    )
    assert result.exit_code == 0, result.output
    message = sent(outbox)
    url = str(message["List-Unsubscribe"]).strip("<>")
    assert url.startswith("http://127.0.0.1:8000/api/unsubscribe/one-click?t=")
    html = message.get_body(("html",))
    assert html is not None
    page = str(html.get_content())
    assert "http://127.0.0.1:8000/en/unsubscribe/?t=" in page  # the English page
    assert "mednaya-turka.example/unsubscribe" not in page


def test_a_plain_http_one_click_address_elsewhere_is_refused() -> None:
    with pytest.raises(LinkSettingsError, match="require https"):
        web_address("http://mednaya-turka.example/api/unsubscribe/one-click", https_only=True)
    assert web_address("http://127.0.0.1:8000/api", https_only=True) == "http://127.0.0.1:8000/api"


def test_a_transactional_copy_has_no_unsubscribe_header(outbox: Path) -> None:
    result = CliRunner().invoke(main, ["send-test", "confirm", "--to", "owner@example.com"])
    assert result.exit_code == 0, result.output
    message = sent(outbox)
    assert message["List-Unsubscribe"] is None
    assert "Медная турка" in str(message["From"])


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["nope", "--to", "a@example.com"], "neither a newsletter"),
        (["confirm", "--to", "not an address"], "not an email address"),
        (["confirm", "--to", "a@example.com", "--locale", "de"], "de is not offered"),
    ],
)
def test_a_copy_that_cannot_be_made_sends_nothing(
    outbox: Path, args: list[str], complaint: str
) -> None:
    result = CliRunner().invoke(main, ["send-test", *args])
    assert result.exit_code == 1
    assert complaint in result.stderr
    assert not (outbox / "index.jsonl").exists()
