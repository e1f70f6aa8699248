"""8bit over SMTP only to a server that announced 8BITMIME, with BODY=8BITMIME; 7-bit otherwise.

Both servers are aiosmtpd on 127.0.0.1: the usual one announces 8BITMIME;
the other reads messages as ASCII, so it would refuse an 8bit byte (500)
and a BODY parameter (555) if either came.
"""

from __future__ import annotations

import pytest

from stampbook.mail.message import Recipient
from stampbook.mail.transports.base import Retrying, TransientError
from tests.support.mail_examples import anna, newsletter
from tests.unit.mail.test_eight_bit import one_long_line

from .conftest import SmtpServer
from .test_smtp import arrived, transport

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def encodings(server: SmtpServer, message_id: str) -> list[str]:
    [found] = [r for r in server.mailroom.received if f"<{message_id}>".encode() in r.data]
    return [
        line.split(b": ")[1].decode()
        for line in found.data.split(b"\r\n")
        if line.startswith(b"Content-Transfer-Encoding: ")
    ]


def test_a_server_that_announces_8bitmime_gets_8bit_with_body_8bitmime(
    starttls_server: SmtpServer,
) -> None:
    sender = Retrying(transport(starttls_server))
    try:
        assert sender.accepts_8bit()
        draft = one_long_line()
        recipient = Recipient("anna@example.com", "c1", "Анна", anna().values)
        message = newsletter(draft).message(recipient, sender.accepts_8bit())
        sender.send(message)
    finally:
        sender.close()

    assert message.eight_bit
    [received] = [r for r in starttls_server.mailroom.received if r.data == message.data]
    assert received.mail_options == ["BODY=8BITMIME"]
    assert encodings(starttls_server, message.message_id) == ["8bit", "8bit"]
    assert all(len(line) <= 998 for line in received.data.split(b"\r\n"))
    parsed = arrived(starttls_server, message)
    html = parsed.get_body(("html",))
    assert html is not None
    assert "Здравствуйте, Анна!" in html.get_content()


def test_a_server_without_8bitmime_gets_7_bit_parts_and_no_body_parameter(
    seven_bit_server: SmtpServer,
) -> None:
    sender = transport(seven_bit_server)
    try:
        assert not sender.accepts_8bit()
        message = newsletter().message(anna(), sender.accepts_8bit())
        sender.send(message)
    finally:
        sender.close()

    assert not message.eight_bit
    [received] = [r for r in seven_bit_server.mailroom.received if r.data == message.data]
    assert received.mail_options == []
    assert received.data.isascii()
    assert encodings(seven_bit_server, message.message_id) == ["base64", "base64"]
    text = arrived(seven_bit_server, message).get_body(("plain",))
    assert text is not None
    assert text.get_content().startswith("Здравствуйте, Анна!")


def test_an_8bit_message_meeting_a_server_without_8bitmime_waits_to_be_made_again(
    seven_bit_server: SmtpServer,
) -> None:
    # Made while another server answered: refused for now, and nothing sent.
    moved = Recipient("moved@example.com", "c2", "Анна", anna().values)
    message = newsletter().message(moved, eight_bit=True)
    sender = transport(seven_bit_server)
    try:
        with pytest.raises(TransientError, match="does not take 8bit"):
            sender.send(message)
        assert not sender.accepts_8bit()
        again = newsletter().message(moved, sender.accepts_8bit())
        sender.send(again)
    finally:
        sender.close()
    mailroom = seven_bit_server.mailroom
    assert [r.data for r in mailroom.received if r.recipients == [moved.address]] == [again.data]
    assert not again.eight_bit
