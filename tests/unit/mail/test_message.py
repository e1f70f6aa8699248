"""Messages parse back, with Python's own email package, to exactly what the draft says."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stampbook.mail.address import AddressError, Mailbox
from stampbook.mail.draft import LINK_SLOTS, Draft, MissingSlot, Slot
from stampbook.mail.links import SLOT_PURPOSES, Links
from stampbook.mail.message import (
    Kind,
    ListId,
    MessageSettingsError,
    PreparedDraft,
    Recipient,
    RecipientError,
    Sender,
)
from stampbook.mail.tokens import LIFETIMES, Purpose
from tests.support.mail_examples import (
    CONFIRMATION,
    KEYS,
    LINKS,
    NEWSLETTER,
    NOW,
    SENDER,
    anna,
    newsletter,
    signed_links,
)

MOMENT = datetime.fromtimestamp(NOW, UTC)


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def header_block(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def header_names(data: bytes) -> list[str]:
    """The header names as written, folded lines skipped."""
    lines = header_block(data).split(b"\r\n")
    return [line.split(b":", 1)[0].decode() for line in lines if not line[:1].isspace()]


def display_name(data: bytes, header: str) -> str:
    """The name in a `name <address>` header, decoded as RFC 2047 says.

    Not with policy.default: its address parser puts a space between adjacent
    encoded words, which RFC 2047 (6.2) says to drop, so a long name split
    over two encoded words would come back with a space in the middle.
    """
    found = re.search(rb"\r\n" + header.encode() + rb": (.*?)\r\n(?![ \t])", b"\r\n" + data, re.S)
    assert found is not None
    decoded = str(make_header(decode_header(found.group(1).decode())))
    if not decoded.endswith(">"):
        return ""  # a bare address
    return decoded.rpartition(" <")[0]


def body_text(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def test_a_newsletter_has_every_header_a_mailbox_provider_expects() -> None:
    sent = newsletter().message(anna())
    message = parse(sent.data)
    assert message["From"].addresses[0].display_name == "Медная турка"
    assert message["From"].addresses[0].addr_spec == "news@coppercezve.example"
    assert str(message["Reply-To"]) == "Copper Cezve <hello@coppercezve.example>"
    assert message["To"].addresses[0].display_name == "Анна Петрова"
    assert message["Subject"] == "Анна, новый урожай из Эфиопии ☕"
    assert message["Date"].datetime == MOMENT
    assert message["Message-ID"] == f"<{sent.message_id}>"
    assert sent.message_id.endswith("@coppercezve.example")
    assert message["List-Id"] == "Новости Медной турки <news.coppercezve.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    assert sent.sender == "bounces@coppercezve.example"
    assert sent.to == "anna.petrova@example.com"
    assert sent.subject == message["Subject"]


def test_list_unsubscribe_is_written_whole_never_as_encoded_words() -> None:
    data = newsletter().message(anna()).data
    raw = re.search(rb"\r\nList-Unsubscribe: (.*?)\r\n(?! )", data, re.DOTALL)
    assert raw is not None
    https, mailto = raw.group(1).split(b",\r\n ")
    assert re.fullmatch(rb"<https://api\.coppercezve\.example/unsubscribe\?t=[\w.-]+>", https)
    assert re.fullmatch(
        rb"<mailto:unsubscribe@coppercezve\.example\?subject=unsubscribe%20[\w.-]+>", mailto
    )
    assert b"=?" not in raw.group(1)


def test_the_one_click_link_unsubscribes_exactly_this_reader() -> None:
    message = parse(newsletter().message(anna()).data)
    url = str(message["List-Unsubscribe"]).split(",")[0].strip("<>")
    token = parse_qs(urlsplit(url).query)["t"][0]
    assert KEYS.verify(token, Purpose.UNSUBSCRIBE, MOMENT).subject == "c0000042"
    assert f"unsubscribe/?t={token}" in body_text(message, "html")  # the footer's token too


def test_links_in_the_body_are_signed_for_their_purpose() -> None:
    message = parse(newsletter().message(anna()).data)
    text = body_text(message, "plain")
    preferences = re.search(r"https://coppercezve\.example/preferences/\?t=(\S+)", text)
    assert preferences is not None
    claim = KEYS.verify(preferences.group(1), Purpose.PREFERENCES, MOMENT)
    assert claim.subject == "c0000042"
    assert claim.expires == MOMENT + LIFETIMES[Purpose.PREFERENCES]


def test_transactional_mail_has_no_list_headers() -> None:
    prepared = PreparedDraft(CONFIRMATION, SENDER, Kind.TRANSACTIONAL, LINKS, clock=lambda: NOW)
    sent = prepared.message(Recipient("new@example.com", "c7"))
    assert "List-Unsubscribe" not in header_names(sent.data)
    assert "List-Unsubscribe-Post" not in header_names(sent.data)
    link = re.search(r"confirm/\?t=(\S+)", body_text(parse(sent.data), "plain"))
    assert link is not None
    assert KEYS.verify(link.group(1), Purpose.CONFIRM, MOMENT).subject == "c7"


def test_marketing_mail_without_a_one_click_address_is_refused() -> None:
    with pytest.raises(ValueError, match="one-click"):
        PreparedDraft(NEWSLETTER, SENDER, Kind.MARKETING, Links(KEYS, "https://x.example/"))


def test_marketing_mail_needs_a_list_id() -> None:
    sender = Sender(Mailbox("news@coppercezve.example"))
    with pytest.raises(MessageSettingsError, match="List-Id"):
        PreparedDraft(NEWSLETTER, sender, Kind.MARKETING, LINKS)


def test_an_unsubscribe_header_even_without_a_footer_link() -> None:
    draft = Draft(("Hello",), (), ("<p>Hi</p>",), ("Hi",))
    message = parse(newsletter(draft).message(Recipient("a@example.com", "c1")).data)
    token = str(message["List-Unsubscribe"]).split("?t=")[1].split(">")[0]
    assert KEYS.verify(token, Purpose.UNSUBSCRIBE, MOMENT).subject == "c1"


def test_a_feedback_link_is_about_the_order() -> None:
    draft = Draft(
        ("How was it?",),
        (),
        (
            "<a href='",
            Slot("feedback_url"),
            "'>",
        ),
        ("x",),
    )
    prepared = PreparedDraft(draft, SENDER, Kind.TRANSACTIONAL, LINKS, clock=lambda: NOW)
    sent = prepared.message(Recipient("a@example.com", "c1", order_id="ORDER-7"))
    token = body_text(parse(sent.data), "html").split("?t=")[1].split("'")[0]
    assert KEYS.verify(token, Purpose.FEEDBACK, MOMENT).subject == "ORDER-7"
    with pytest.raises(RecipientError, match="order id"):
        prepared.message(Recipient("a@example.com", "c1"))


def test_every_link_slot_has_a_purpose() -> None:
    assert frozenset(SLOT_PURPOSES) == LINK_SLOTS


def test_a_missing_value_is_named() -> None:
    with pytest.raises(MissingSlot, match="tier"):
        newsletter().message(
            Recipient("a@example.com", "c1", values={"first_name": "A", "points": "1"})
        )


def test_message_ids_differ_per_message() -> None:
    prepared = newsletter()
    ids = {prepared.message(anna()).message_id for _ in range(100)}
    assert len(ids) == 100


def test_international_domains_go_out_in_idna() -> None:
    sent = newsletter().message(Recipient("anna@кофе.рф", "c1", values=anna().values))
    assert parse(sent.data)["To"].addresses[0].addr_spec == "anna@xn--e1ajmy.xn--p1ai"
    assert sent.to == "anna@xn--e1ajmy.xn--p1ai"


@pytest.mark.parametrize(
    "address",
    [
        "anna",
        "anna@",
        "@example.com",
        "anna@@example.com",
        "anna@example",
        "an na@example.com",
        "anna@example.com\r\nBcc: all@example.com",
        "anna@exa mple.com",
        "анна@example.com",
        "anna@-example.com",
        "a@" + "x" * 64 + ".com",
        "<anna@example.com>",
    ],
)
def test_bad_addresses_are_refused(address: str) -> None:
    with pytest.raises(AddressError):
        newsletter().message(Recipient(address, "c1", values=anna().values))


def test_the_programme_sender_cannot_be_built_with_a_bad_address() -> None:
    with pytest.raises(AddressError):
        Mailbox("news@coppercezve.example>\r\nBcc: x@example.com")
    with pytest.raises(AddressError):
        Sender(Mailbox("news@coppercezve.example"), unsubscribe_mailbox="nobody")
    with pytest.raises(ValueError, match="domain"):
        ListId("News", "news..example")


INJECTIONS = [
    "Анна\r\nBcc: everyone@example.com",
    "Anna\nBcc: everyone@example.com",
    "Anna\rBcc: everyone@example.com",
    "Anna\x00\x0b\x0c\x1b\u2028Bcc: x@example.com",
    "=?utf-8?q?Bcc:_x@example.com?=",
    'Anna" <evil@example.com>, "Bob',
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_names_and_subjects_never_add_a_header(name: str) -> None:
    draft = Draft(
        ("Offer\r\nBcc: fixed@example.com ", Slot("first_name")),
        (),
        ("<p>", Slot("first_name"), "</p>"),
        (Slot("first_name"),),
    )
    sender = Sender(
        Mailbox("news@coppercezve.example", name),
        reply_to=Mailbox("hello@coppercezve.example", name),
        list_id=ListId(name, "news.coppercezve.example"),
    )
    sent = newsletter(draft, sender).message(
        Recipient("anna@example.com", "c1", name, {"first_name": name})
    )
    assert header_names(sent.data) == [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "List-Unsubscribe",
        "Reply-To",
        "List-Id",
        "List-Unsubscribe-Post",
        "MIME-Version",
        "Content-Type",
    ]
    assert b"Bcc" not in header_block(sent.data)
    message = parse(sent.data)
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["anna@example.com"]
    assert [a.addr_spec for a in message["From"].addresses] == ["news@coppercezve.example"]


def test_headers_are_seven_bit_and_short() -> None:
    data = newsletter().message(anna(first_name="Ёжик " * 40)).data
    for line in header_block(data).split(b"\r\n"):
        assert line.isascii()
        assert len(line) <= 998
        if not line.startswith(b"List-Unsubscribe:") and b"mailto:" not in line:
            assert len(line) <= 78, line


# -- the property: whatever the values, the message says what the draft says --

NASTY = st.sampled_from(
    [
        "\r\n",
        "\n",
        "\r",
        "=",
        "=3D",
        "=\r\n",
        ".",
        "\n.\n",
        "..",
        " ",
        "  \n",
        "\t",
        "From ",
        "x" * 200,
        "Ёлка " * 30,
        "Բարեւ",
        "Здравей",
        "😀👨‍👩‍👧",
        "<b>&amp;</b>",
        "\"'",
        "\x00",
        "\x7f\x85",
        "\u2028",
        "--=_sb_",
        "=?utf-8?b?QQ==?=",
        "?=",
    ]
)
ANY_CHARACTER = st.characters(exclude_categories=["Cs"])  # every code point UTF-8 can carry
VALUE = st.lists(
    st.one_of(NASTY, st.text(ANY_CHARACTER, max_size=30)),
    max_size=8,
).map("".join)
FIXED = st.lists(
    st.one_of(NASTY, st.text(ANY_CHARACTER, max_size=100)),
    max_size=6,
).map("".join)
SUBJECT_FIXED = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=60
).map(lambda text: " ".join(text.split()))
SLOTS = st.sampled_from(["first_name", "points", "tier", "unsubscribe_url", "points_url"])


def pieces(fixed: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str | Slot, ...]]:
    return st.lists(st.one_of(fixed, SLOTS.map(Slot)), max_size=8).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    subject=pieces(SUBJECT_FIXED),
    html=pieces(FIXED),
    text=pieces(FIXED),
    first_name=VALUE,
    points=VALUE,
    tier=VALUE,
    name=VALUE,
)
def test_every_message_parses_back_to_exactly_the_draft(
    subject: tuple[str | Slot, ...],
    html: tuple[str | Slot, ...],
    text: tuple[str | Slot, ...],
    first_name: str,
    points: str,
    tier: str,
    name: str,
) -> None:
    draft = Draft(subject, (), html, text)
    recipient = Recipient(
        "reader@example.com",
        "c0000001",
        name,
        {"first_name": first_name, "points": points, "tier": tier},
    )
    sent = newsletter(draft).message(recipient)
    message = parse(sent.data)

    values = dict(recipient.values) | signed_links("c0000001")
    assert message["Subject"] == draft.fill_subject(values) == sent.subject
    # Text in MIME travels with CRLF line ends; parsed back, they stay CRLF.
    assert body_text(message, "plain") == draft.fill_text(values).replace("\n", "\r\n")
    assert body_text(message, "html") == draft.fill_html(values).replace("\n", "\r\n")
    assert display_name(sent.data, "To") == " ".join(
        re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", name).split()
    )
    assert message["To"].addresses[0].addr_spec == "reader@example.com"
    assert message.defects == []
    for part in message.iter_parts():
        assert part.defects == []
    for line in sent.data.split(b"\r\n"):
        assert line.isascii()
        assert len(line) <= 998
    body = sent.data.split(b"\r\n\r\n", 1)[1]
    assert all(len(line) <= 76 for line in body.split(b"\r\n") if not line.startswith(b"--"))
