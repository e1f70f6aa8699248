"""The API through Chalice's own test client, on a real SQLite file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from app import app as chalice_app
from stampbook.api import context
from stampbook.bootstrap import App, build
from stampbook.config import MailSettings, Settings
from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key
from stampbook.services.courier import Courier
from tests.support.moto_server import CREDENTIALS, running
from tests.support.outbox import outbox, text_of
from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before

__all__ = ["outbox", "text_of"]  # the API tests import them from here

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@dataclass
class Api:
    client: Client
    app: App
    key: str

    @property
    def outbox(self) -> list[EmailMessage]:
        """What has reached the outbox: the emails requests owe go after their
        answers (a courier sends them), so this is read once those due are sent."""
        Courier(self.app.emails).deliver_due()
        return self.sent

    @property
    def sent(self) -> list[EmailMessage]:
        """The outbox as it is, before any courier ran."""
        return outbox(self.app.settings.mail.outbox)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        key: str | None = "default",
        **headers: str,
    ) -> tuple[int, Any, dict[str, str]]:
        sent = {"Content-Type": "application/json", **headers}
        if key is not None:
            sent["Authorization"] = f"Bearer {self.key if key == 'default' else key}"
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        response = getattr(self.client.http, method.lower())(
            path, headers=sent, body=raw if body is not None else None
        )
        return response.status_code, json.loads(response.body or b"null"), response.headers


def link_token(message: EmailMessage, page: str) -> str:
    """The token of the link to the site's `page` (`confirm/`, `points/`...) in an email."""
    found = re.search(rf"/{page}\?t=([A-Za-z0-9._-]+)", text_of(message))
    assert found, f"no {page} link in {message['Subject']}"
    return found.group(1)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    mail = MailSettings(outbox=tmp_path / "outbox", key_file=tmp_path / "signing-keys")
    settings = Settings(campaigns=EXAMPLE, database=tmp_path / "api.db", mail=mail)
    wired = build(settings, clock=lambda: NOW)
    wired.store.add_customer(
        Customer("c1", "anna@example.com", NOW, name="Анна", referral_code="ANNA2345")
    )
    record, token = issue_key("till", NOW)
    wired.store.add_integration_key(record)
    context.use(wired)
    with Client(chalice_app) as client:
        yield Api(client, wired, token)
    context.use(None)
    wired.store.close()


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's server for the SQS API, which boto3 clients in this process then use."""
    with running() as url:
        for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL_SQS": url}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        yield url
