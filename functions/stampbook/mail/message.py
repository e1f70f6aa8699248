"""Personal messages from a draft: signed links, headers and MIME bytes.

A campaign prepares its draft once per locale. Preparing encodes everything
that is the same for every reader — the From and Reply-To headers, the MIME
skeleton, every fixed stretch of the text and HTML parts — into bytes. A
message for one person then encodes only that person's values and links and
joins the pieces: no email-package objects, no re-encoding 47 KB of HTML
100 000 times.

The bytes are a complete RFC 5322 message with CRLF line ends and 7-bit
headers: multipart/alternative, plain text first, HTML second, both UTF-8,
each quoted-printable or base64, whichever is smaller for it, or 8bit when
the transport takes 8bit (`parts.py`). The parts are prepared for each
answer on first need: a transport can change its answer (an SMTP connection
opened again to another server).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from enum import StrEnum
from itertools import count

from .address import Mailbox, domain_of, email_address
from .draft import Draft, Pieces, Slot
from .encoding import name_and_address, one_line, phrase, quoted_printable, unstructured
from .links import SLOT_PURPOSES, Links
from .parts import Part, QuotedPrintablePart, TransferEncoding, html_part, text_part
from .tokens import Purpose, token_subject


class Kind(StrEnum):
    MARKETING = "marketing"  # bulletins: consent needed, List-Unsubscribe always
    TRANSACTIONAL = "transactional"  # confirmations, magic links, receipts


class MessageSettingsError(ValueError):
    pass


class RecipientError(ValueError):
    """A recipient this message cannot be made for (no order id for a feedback link)."""


@dataclass(frozen=True)
class ListId:
    """RFC 2919: `Copper Cezve news <news.coppercezve.example>`."""

    name: str
    id: str

    def __post_init__(self) -> None:
        email_address(f"list@{self.id}")  # the same rules as a domain name


@dataclass(frozen=True)
class Sender:
    mailbox: Mailbox  # From
    reply_to: Mailbox | None = None
    list_id: ListId | None = None
    # An address that reads unsubscribe requests, offered as a mailto: next to
    # the one-click URL. Only if someone (or something) reads it.
    unsubscribe_mailbox: str | None = None
    # The envelope sender, where bounces go; the From address if not given.
    return_path: str | None = None

    def __post_init__(self) -> None:
        for address in (self.unsubscribe_mailbox, self.return_path):
            if address is not None:
                email_address(address)

    @property
    def envelope(self) -> str:
        return self.return_path or self.mailbox.address


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    customer_id: str
    name: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    order_id: str | None = None  # the subject of a feedback link


@dataclass(frozen=True, slots=True)
class Message:
    """A finished message and what a transport needs to know about it."""

    sender: str  # the envelope sender
    to: str
    message_id: str  # without angle brackets
    subject: str
    kind: Kind
    data: bytes
    # A part is 8bit: an SMTP transport says BODY=8BITMIME, and sends it only
    # to a server that announced 8BITMIME.
    eight_bit: bool = False


@dataclass(frozen=True, slots=True)
class _Parts:
    """The text and HTML parts prepared for 7-bit or for 8bit transports."""

    text: Part
    html: Part
    quoted_links: bool  # a person's links are encoded once for the quoted-printable parts

    @classmethod
    def of(cls, draft: Draft, eight_bit: bool) -> _Parts:
        text, html = text_part(draft.text, eight_bit), html_part(draft.html, eight_bit)
        quoted = any(isinstance(part, QuotedPrintablePart) for part in (text, html))
        return cls(text, html, quoted)


class PreparedDraft:
    """A draft encoded once for a campaign and locale; `message()` per person."""

    def __init__(
        self,
        draft: Draft,
        sender: Sender,
        kind: Kind,
        links: Links,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if kind is Kind.MARKETING:
            if sender.list_id is None:
                raise MessageSettingsError("marketing mail needs a List-Id")
            links.one_click()  # a clear error now rather than per message
        self._draft = draft
        self._sender = sender
        self._kind = kind
        self._links = links
        self._clock = clock
        slots = draft.slots()
        self._links_needed = [
            (slot, purpose, links.page(purpose))
            for slot, purpose in SLOT_PURPOSES.items()
            if slot in slots
        ]
        self._heads_second = -1
        self._heads_now: dict[Purpose, str] = {}
        self._unsubscribe = kind is Kind.MARKETING
        self._parts: dict[bool, _Parts] = {}  # by whether the transport takes 8bit
        self._fixed_subject = None if _has_slots(draft.subject) else draft.fill_subject({})
        # '=_' never occurs in quoted-printable; 8bit text would have to guess 16 random hex digits.
        self._boundary = f"=_sb_{secrets.token_hex(8)}"
        self._id_prefix = secrets.token_hex(8)
        self._id_domain = domain_of(sender.mailbox.address)
        self._serial = count(1)
        self._date_second = -1
        self._date = b""
        self._from = sender.mailbox.header()
        self._head = self._fixed_head()
        self._text_heads = {
            encoding: _part_head(self._boundary, "text/plain", encoding)
            for encoding in TransferEncoding
        }
        self._html_heads = {
            encoding: b"\r\n" + _part_head(self._boundary, "text/html", encoding)
            for encoding in TransferEncoding
        }
        self._tail = f"\r\n--{self._boundary}--\r\n".encode()

    @property
    def kind(self) -> Kind:
        return self._kind

    def message(self, recipient: Recipient, eight_bit: bool = False) -> Message:
        """The message for one person; with 8bit parts if `eight_bit` (the transport takes them)."""
        now = self._clock()
        to = Mailbox(recipient.address, recipient.name)
        values, unsubscribe_token = self._values(recipient, int(now))
        subject = self._fixed_subject
        if subject is None:
            subject = self._draft.fill_subject(values)
        serial = next(self._serial)
        message_id = f"{self._id_prefix}.{serial}@{self._id_domain}"
        head = [
            b"From: ",
            self._from,
            b"\r\nTo: ",
            to.header(),
            b"\r\nSubject: ",
            unstructured(subject),
            b"\r\nDate: ",
            self._date_header(int(now)),
            b"\r\nMessage-ID: <",
            message_id.encode(),
            b">\r\n",
        ]
        if unsubscribe_token is not None:
            head.append(self._list_unsubscribe(unsubscribe_token))
        head.append(self._head)
        parts = self._parts.get(eight_bit)
        if parts is None:
            parts = self._parts[eight_bit] = _Parts.of(self._draft, eight_bit)
        links = _encoded_links(self._links_needed, values) if parts.quoted_links else {}
        text_encoding, text = parts.text.body(values, links)
        html_encoding, html = parts.html.body(values, links)
        data = b"".join(
            (
                *head,
                self._text_heads[text_encoding],
                *text,
                self._html_heads[html_encoding],
                *html,
                self._tail,
            )
        )
        eight = TransferEncoding.EIGHT_BIT in (text_encoding, html_encoding)
        return Message(
            self._sender.envelope, to.address, message_id, subject, self._kind, data, eight
        )

    def messages(
        self, recipients: Iterable[Recipient], eight_bit: bool = False
    ) -> Iterable[Message]:
        return (self.message(recipient, eight_bit) for recipient in recipients)

    # -- per person ---------------------------------------------------------

    def _values(self, recipient: Recipient, now: int) -> tuple[dict[str, str], str | None]:
        """The person's values with their signed links, and their unsubscribe token."""
        values = dict(recipient.values)
        seal = self._links.keyring.seal
        customer = token_subject(recipient.customer_id)
        heads = self._heads(now)
        for slot, purpose, page in self._links_needed:
            if purpose is Purpose.FEEDBACK:
                if not recipient.order_id:
                    raise RecipientError(f"{slot} needs an order id for {recipient.address}")
                values[slot] = page + seal(heads[purpose] + token_subject(recipient.order_id))
            else:
                values[slot] = page + seal(heads[purpose] + customer)
        if not self._unsubscribe:
            return values, None
        url = values.get("unsubscribe_url")
        if url is not None:
            return values, url.rpartition("?t=")[2]
        return values, seal(heads[Purpose.UNSUBSCRIBE] + customer)

    def _heads(self, now: int) -> dict[Purpose, str]:
        """Token heads (key, purpose, expiry) for this second, made once per second."""
        if now != self._heads_second:
            self._heads_second = now
            keyring, links = self._links.keyring, self._links
            self._heads_now = {
                purpose: keyring.head(purpose, now + links.lifetime_seconds(purpose))
                for purpose in Purpose
            }
        return self._heads_now

    def _list_unsubscribe(self, token: str) -> bytes:
        # One URL per folded line and never an encoded word: a URL broken by a
        # header encoder is an unsubscribe that fails (RFC 8058, RFC 2369).
        https = f"<{self._links.one_click()}{token}>"
        mailbox = self._sender.unsubscribe_mailbox
        if mailbox is None:
            header = f"List-Unsubscribe: {https}\r\n"
        else:
            mailto = f"<mailto:{mailbox}?subject=unsubscribe%20{token}>"
            header = f"List-Unsubscribe: {https},\r\n {mailto}\r\n"
        return header.encode()

    def _date_header(self, second: int) -> bytes:
        if second != self._date_second:
            self._date_second = second
            self._date = format_datetime(datetime.fromtimestamp(second, UTC)).encode()
        return self._date

    # -- once per campaign --------------------------------------------------

    def _fixed_head(self) -> bytes:
        sender = self._sender
        lines = []
        if sender.reply_to is not None:
            lines.append(b"Reply-To: " + sender.reply_to.header() + b"\r\n")
        if sender.list_id is not None:
            list_id = sender.list_id.id.encode()
            name = phrase(one_line(sender.list_id.name))
            value = name_and_address(name, list_id) if name else b"<" + list_id + b">"
            lines.append(b"List-Id: " + value + b"\r\n")
        if self._unsubscribe:
            lines.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        lines.append(b"MIME-Version: 1.0\r\n")
        lines.append(
            f'Content-Type: multipart/alternative; boundary="{self._boundary}"\r\n\r\n'.encode()
        )
        return b"".join(lines)


def _part_head(boundary: str, content_type: str, encoding: TransferEncoding) -> bytes:
    return (
        f"--{boundary}\r\n"
        f"Content-Type: {content_type}; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    ).encode()


def _has_slots(pieces: Pieces) -> bool:
    return any(isinstance(piece, Slot) for piece in pieces)


def _encoded_links(
    needed: list[tuple[str, Purpose, str]], values: Mapping[str, str]
) -> dict[str, bytes]:
    """Each person's signed links, encoded once for both parts.

    They differ for everyone, so remembering them would only crowd out the
    values that do repeat; and a link with nothing HTML escapes reads the
    same in the HTML part as in the text part.
    """
    encoded = {}
    for slot, _, _ in needed:
        url = values[slot]
        if not any(special in url for special in _HTML_SPECIAL):
            encoded[slot] = quoted_printable(url)
    return encoded


_HTML_SPECIAL = "&<>\"'"
