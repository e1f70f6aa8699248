"""Each part of a message goes in the smaller of quoted-printable and base64, and decodes exactly.

A Russian newsletter sent quoted-printable is some 2.6 times its HTML (each
Cyrillic letter: six characters); in base64 a third more than its bytes. An
English one stays quoted-printable: readable, and smaller.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date
from email.message import EmailMessage

import pytest

from stampbook.config import MailSettings
from stampbook.mail.draft import Draft, Pieces, Slot
from stampbook.mail.envelope import prepare
from stampbook.mail.message import Recipient
from stampbook.mail.parts import QuotedPrintablePart, html_part, text_part
from stampbook.mail.reader import sample_reader
from stampbook.mail.render import Renderer
from stampbook.mail.tokens import Keyring, parse_keys
from stampbook.programme import Programme
from tests.support.mail_examples import newsletter, signed_links

RUSSIAN = (
    '<tr><td style="padding:16px 24px;font-family:Georgia,serif;color:#3b2a1a">'
    "В этом месяце мы обжарили новый лот из Эфиопии: ноты бергамота, абрикоса "
    "и чёрного чая. Приходите на дегустацию в субботу.</td></tr>\n"
)
ENGLISH = (
    '<tr><td style="padding:16px 24px;font-family:Georgia,serif;color:#3b2a1a">'
    "This month we roasted a new lot from Ethiopia: notes of bergamot, apricot "
    "and black tea. Come to the tasting on Saturday.</td></tr>\n"
)


def bulletin(paragraph: str, words: str) -> Draft:
    """A newsletter of 40 paragraphs with the reader's values and links among them."""
    body = paragraph * 20
    html = (
        "<!doctype html>\n<html><body><table>\n<tr><td>",
        Slot("first_name"),
        "</td></tr>\n",
        body,
        "<tr><td>",
        Slot("points"),
        " · ",
        Slot("tier"),
        "</td></tr>\n",
        body,
        '<tr><td><a href="',
        Slot("unsubscribe_url"),
        '">x</a></td></tr>\n</table></body></html>\n',
    )
    text = (Slot("first_name"), ",\n\n", (words + "\n") * 40, "\n", Slot("unsubscribe_url"), "\n")
    return Draft(("News",), (), html, text)


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def encodings(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part["Content-Transfer-Encoding"] for part in message.iter_parts()
    }


def reader(first_name: str, points: str = "1 250", tier: str = "Знаток") -> Recipient:
    values = {"first_name": first_name, "points": points, "tier": tier}
    return Recipient("anna@example.com", "c0000042", first_name, values)


def decodes_to_the_draft(
    draft: Draft, recipient: Recipient, eight_bit: bool = False
) -> EmailMessage:
    """The message for `recipient`, checked to decode to exactly what the draft says."""
    message = parse(newsletter(draft).message(recipient, eight_bit).data)
    values = dict(recipient.values) | signed_links(recipient.customer_id)
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None
    assert text is not None
    # MIME carries text with CRLF line ends; decoded, they stay CRLF.
    assert html.get_content() == draft.fill_html(values).replace("\n", "\r\n")
    assert text.get_content() == draft.fill_text(values).replace("\n", "\r\n")
    assert message.defects == []
    assert all(part.defects == [] for part in message.iter_parts())
    return message


def test_a_russian_newsletter_goes_base64_an_english_one_quoted_printable() -> None:
    russian = decodes_to_the_draft(bulletin(RUSSIAN, "Новый лот из Эфиопии."), reader("Анна"))
    english = decodes_to_the_draft(bulletin(ENGLISH, "A new lot from Ethiopia."), reader("Ann"))

    assert encodings(russian) == {"text/plain": "base64", "text/html": "base64"}
    assert encodings(english) == {
        "text/plain": "quoted-printable",
        "text/html": "quoted-printable",
    }
    for message in (russian, english):
        for part in message.iter_parts():
            assert part.get_content_charset() == "utf-8"


def test_each_part_chooses_for_itself(renderer: Renderer, example: Programme) -> None:
    # The example December issue in Russian: the HTML is mostly markup (its
    # quoted-printable is smaller), the text is mostly words (base64 is).
    issue = example.newsletter("2026-12-winter-lots")
    assert issue is not None
    keyring = Keyring(parse_keys("k1:" + "s" * 43))
    sizes = {}
    for locale in ("ru", "en"):
        draft = renderer.newsletter(issue, locale)
        prepared = prepare(example.programme_file, draft, True, MailSettings(), keyring, locale)
        person = sample_reader(example.programme_file, locale, date(2026, 12, 1))
        values = renderer.personal_values(person, locale)
        sent = prepared.message(Recipient("anna@example.com", "c1", person.name, values))
        sizes[locale] = encodings(parse(sent.data))
    assert sizes["ru"] == {"text/plain": "base64", "text/html": "quoted-printable"}
    assert sizes["en"] == {"text/plain": "quoted-printable", "text/html": "quoted-printable"}


@pytest.mark.parametrize("paragraph", [RUSSIAN, ENGLISH])
def test_the_chosen_encoding_is_the_smaller(paragraph: str) -> None:
    pieces = bulletin(paragraph, "").html
    quoted = QuotedPrintablePart(pieces, lambda value: b"")
    chosen = html_part(pieces)
    empty = dict.fromkeys(("first_name", "points", "tier", "unsubscribe_url"), "")
    size = sum(map(len, chosen.fill(empty, {})))
    assert size <= quoted.size
    if paragraph is RUSSIAN:
        assert size < 0.6 * quoted.size  # a Cyrillic letter: 6 characters against 2.7


@pytest.mark.parametrize("length", range(7))
def test_values_of_every_length_join_the_base64_runs_exactly(length: int) -> None:
    # The fixed runs after a value start at each of the three places in a base64
    # group in turn; an empty value, a one-letter and a long one included.
    draft = bulletin(RUSSIAN, "Новый лот из Эфиопии.")
    for name in ("", "Я" * length, "Ю" * length + "ж", "x" * length):
        decodes_to_the_draft(draft, reader(name, points="1" * length, tier=name[:2]))


def test_a_value_with_line_breaks_decodes_as_quoted_printable_would_have() -> None:
    draft = bulletin(RUSSIAN, "Новый лот из Эфиопии.")
    for name in ("Анна\nПетрова", "Анна\r\nПетрова", "Анна\rПетрова", "\n", "<b>&</b>"):
        decodes_to_the_draft(draft, reader(name))


@pytest.mark.parametrize("paragraph", [RUSSIAN, ENGLISH])
def test_lines_keep_to_rfc_2045_and_rfc_5322(paragraph: str) -> None:
    sent = newsletter(bulletin(paragraph, "Новый лот.")).message(reader("Анна" * 60))
    body = sent.data.partition(b"\r\n\r\n")[2]
    for line in sent.data.split(b"\r\n"):
        assert line.isascii()
        assert len(line) <= 998  # RFC 5322, for every line
    # RFC 2045: encoded lines of at most 76 characters, and no blank line inside
    # a part's body: one ends a part's header, one comes before each boundary.
    lines = body.split(b"\r\n")
    assert all(len(line) <= 76 for line in lines)
    blanks = [n for n, line in enumerate(lines[:-1]) if not line]
    assert blanks
    for n in blanks:
        assert lines[n - 1].startswith(b"Content-Transfer-Encoding: ") or lines[n + 1].startswith(
            b"--=_sb_"
        )


def test_a_part_without_slots_or_text_is_encoded_too() -> None:
    cases: list[Pieces] = [(), ("Только текст",), (Slot("first_name"),)]
    for pieces in cases:
        for part in (text_part(pieces), html_part(pieces)):
            body = b"".join(part.fill({"first_name": "Анна"}, {}))
            expected = "".join(p if isinstance(p, str) else "Анна" for p in pieces)
            decoded = parse(
                b"Content-Type: text/plain; charset=utf-8\r\n"
                + f"Content-Transfer-Encoding: {part.encoding}\r\n\r\n".encode()
                + body
            ).get_content()
            assert decoded == expected
