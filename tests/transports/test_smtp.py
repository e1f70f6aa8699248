"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1) and reading the mail back."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme

from stampbook.bootstrap import open_transport
from stampbook.config import MailSettings, Settings
from stampbook.mail.message import Message, Recipient
from stampbook.mail.transports.base import (
    Backoff,
    PermanentError,
    Retrying,
    TransientError,
    deliver,
)
from stampbook.mail.transports.smtp import Security, SmtpSettings, SmtpTransport
from tests.support.mail_examples import anna, newsletter

from .conftest import PASSWORD, USER, SmtpServer

# The implicit-TLS server is encrypted from the first byte, which aiosmtpd's
# AUTH-without-STARTTLS warning does not know.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def transport(
    server: SmtpServer, security: str = "starttls", password: str = PASSWORD
) -> SmtpTransport:
    settings = SmtpSettings(
        "127.0.0.1",
        server.port,
        security=security,  # type: ignore[arg-type]
        username=USER,
        password=password,
        timeout=10,
    )
    return SmtpTransport(settings, tls=server.client_tls)


def to(address: str) -> Message:
    return newsletter().message(Recipient(address, "c1", "Анна", anna().values))


def arrived(server: SmtpServer, message: Message) -> EmailMessage:
    [found] = [r for r in server.mailroom.received if f"<{message.message_id}>".encode() in r.data]
    assert found.sender == message.sender
    assert found.recipients == [message.to]
    parsed = email.message_from_bytes(found.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_newsletter_arrives_whole_over_tls_with_login(
    security: Security, starttls_server: SmtpServer, tls_server: SmtpServer
) -> None:
    server = starttls_server if security == "starttls" else tls_server
    sender = transport(server, security)
    message = newsletter().message(anna())
    accepted = sender.send(message)
    sender.close()

    assert accepted.message_id == message.message_id
    assert accepted.provider_id.startswith("2.0.0 Ok: queued as Q")
    [raw] = [r.data for r in server.mailroom.received if r.data == message.data]
    parsed = arrived(server, message)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["Subject"] == message.subject
    assert raw.split(b"\r\n\r\n")[0] == message.data.split(b"\r\n\r\n")[0]


def test_one_connection_carries_many_messages(starttls_server: SmtpServer) -> None:
    sender = transport(starttls_server)
    messages = [to(f"reader{n}@example.com") for n in range(5)]
    for message in messages:
        sender.send(message)
    sender.close()
    for message in messages:
        assert arrived(starttls_server, message)["To"].addresses[0].addr_spec == message.to


def test_leading_dots_survive_the_smtp_dot_stuffing(starttls_server: SmtpServer) -> None:
    prepared = newsletter()
    message = prepared.message(anna(first_name=".\n..\n.", tier="."))
    transport(starttls_server).send(message)
    assert [r.data for r in starttls_server.mailroom.received if r.data == message.data]


def test_a_refused_address_is_permanent_and_the_rest_still_go(starttls_server: SmtpServer) -> None:
    sender = transport(starttls_server)
    messages = [to("first@example.com"), to("nobody@example.com"), to("third@example.com")]
    reports = list(deliver(sender, messages))
    sender.close()

    assert [report.accepted is not None for report in reports] == [True, False, True]
    error = reports[1].error
    assert isinstance(error, PermanentError)
    assert error.code == "550"
    assert "No such user" in error.reason
    arrived(starttls_server, messages[2])


def test_a_busy_mailbox_is_transient(starttls_server: SmtpServer) -> None:
    with pytest.raises(TransientError) as refused:
        transport(starttls_server).send(to("busy@example.com"))
    assert refused.value.code == "451"


def test_greylisting_is_outwaited_with_backoff(starttls_server: SmtpServer) -> None:
    pauses: list[float] = []
    sender = Retrying(
        transport(starttls_server),
        Backoff(attempts=4, first=1.0, factor=2.0),
        sleep=pauses.append,
        jitter=lambda: 0.5,
    )
    message = to("greylisted@example.com")
    sender.send(message)
    assert pauses == [0.5, 1.0]  # half of 1 s, then half of 2 s: two refusals, two pauses
    arrived(starttls_server, message)


def test_retries_give_up_with_the_last_transient_error(starttls_server: SmtpServer) -> None:
    pauses: list[float] = []
    sender = Retrying(transport(starttls_server), Backoff(attempts=3), sleep=pauses.append)
    with pytest.raises(TransientError):
        sender.send(to("busy@example.com"))
    assert len(pauses) == 2


def test_permanent_errors_are_not_retried(starttls_server: SmtpServer) -> None:
    pauses: list[float] = []
    sender = Retrying(transport(starttls_server), sleep=pauses.append)
    with pytest.raises(PermanentError):
        sender.send(to("nobody@example.com"))
    assert pauses == []


def test_a_dropped_connection_is_opened_again(starttls_server: SmtpServer) -> None:
    sender = transport(starttls_server)
    first, second = to("last@example.com"), to("after@example.com")
    sender.send(first)  # the server hangs up after this one
    sender.send(second)
    sender.close()
    arrived(starttls_server, first)
    arrived(starttls_server, second)


def test_a_wrong_password_is_permanent(starttls_server: SmtpServer) -> None:
    with pytest.raises(PermanentError, match="login"):
        transport(starttls_server, password="wrong").send(to("a@example.com"))


def test_an_untrusted_certificate_is_refused(starttls_server: SmtpServer) -> None:
    settings = SmtpSettings("127.0.0.1", starttls_server.port, username=USER, password=PASSWORD)
    with pytest.raises(PermanentError, match="certificate"):
        SmtpTransport(settings).send(to("a@example.com"))


def test_no_server_listening_is_transient() -> None:
    from tests.support.processes import free_port

    settings = SmtpSettings("127.0.0.1", free_port(), security="none", timeout=2)
    with pytest.raises(TransientError, match="cannot reach"):
        SmtpTransport(settings).send(to("a@example.com"))


def test_settings_from_the_environment_reach_the_server(
    starttls_server: SmtpServer,
    certificate_authority: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Trust the test CA the way an owner would trust a private one: SSL_CERT_FILE.
    certificate_authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    env = {
        "STAMPBOOK_MAIL": "smtp",
        "STAMPBOOK_SMTP_HOST": "127.0.0.1",
        "STAMPBOOK_SMTP_PORT": str(starttls_server.port),
        "STAMPBOOK_SMTP_USER": USER,
        "STAMPBOOK_SMTP_PASSWORD": PASSWORD,
    }
    sender = open_transport(Settings(mail=MailSettings.from_env(env)))
    message = to("configured@example.com")
    sender.send(message)
    sender.close()
    arrived(starttls_server, message)
