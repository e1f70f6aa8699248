"""Real mail servers on 127.0.0.1: aiosmtpd in this process, the SES v2 emulator beside it."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.processes import free_port
from tests.support.ses_emulator import SesEmulator, running

USER, PASSWORD = "stampbook", "s3cret-пароль"


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)  # BODY=8BITMIME, if said


@dataclass
class Mailroom:
    """Keeps what arrives, and answers some recipients the way real servers do.

    nobody@...      550 no such user (permanent)
    busy@...        451 always (transient)
    greylisted@...  451 twice, then accepted
    last@...        accepted, then the server hangs up
    """

    received: list[Received] = field(default_factory=list)
    greylist: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        mailbox = address.partition("@")[0]
        if mailbox == "nobody":
            return "550 5.1.1 No such user here"
        if mailbox == "busy":
            return "451 4.3.0 Mailbox busy, try again later"
        if mailbox == "greylisted":
            self.greylist[address] = self.greylist.get(address, 0) + 1
            if self.greylist[address] <= 2:
                return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        assert envelope.original_content is not None
        assert isinstance(envelope.mail_from, str)
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                list(envelope.mail_options),
            )
        )
        if any(address.startswith("last@") for address in envelope.rcpt_tos):
            assert server.transport is not None
            asyncio.get_running_loop().call_soon(server.transport.close)
        return f"250 2.0.0 Ok: queued as Q{len(self.received)}"


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # aiosmtpd answers 535 itself


@dataclass(frozen=True)
class SmtpServer:
    port: int
    mailroom: Mailroom
    client_tls: ssl.SSLContext


@pytest.fixture(scope="session")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def client_tls(certificate_authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    certificate_authority.configure_trust(context)
    return context


@pytest.fixture(scope="session")
def server_tls(certificate_authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def _serve(mailroom: Mailroom, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        mailroom,
        hostname="127.0.0.1",
        port=port,
        authenticator=check_login,
        auth_required=True,
        **options,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def starttls_server(server_tls: ssl.SSLContext, client_tls: ssl.SSLContext) -> Iterator[SmtpServer]:
    mailroom = Mailroom()
    for port in _serve(mailroom, tls_context=server_tls, require_starttls=True):
        yield SmtpServer(port, mailroom, client_tls)


@pytest.fixture(scope="session")
def seven_bit_server(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> Iterator[SmtpServer]:
    """A server that does not announce 8BITMIME: it reads messages as ASCII text,
    refuses one with any other byte (500) and a BODY parameter in MAIL (555)."""
    mailroom = Mailroom()
    for port in _serve(mailroom, tls_context=server_tls, require_starttls=True, decode_data=True):
        yield SmtpServer(port, mailroom, client_tls)


@pytest.fixture(scope="session")
def tls_server(server_tls: ssl.SSLContext, client_tls: ssl.SSLContext) -> Iterator[SmtpServer]:
    mailroom = Mailroom()
    # The whole connection is TLS; aiosmtpd only knows about STARTTLS when it
    # checks that AUTH is encrypted, so that check is its to skip here.
    for port in _serve(mailroom, ssl_context=server_tls, auth_require_tls=False):
        yield SmtpServer(port, mailroom, client_tls)


# -- the SES v2 emulator (npm aws-ses-v2-local) --------------------------------


@pytest.fixture
def ses_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials botocore accepts; the emulator checks none. Never a real profile."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def ses_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SesEmulator]:
    with running(tmp_path_factory.mktemp("ses") / "emulator.log") as emulator:
        yield emulator
