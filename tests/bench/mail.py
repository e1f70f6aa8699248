"""Benchmark: personalised newsletter messages prepared per second, their size, and memory.

A ~47 KB Russian newsletter with five personal slots; each message is signed
(two links, plus the List-Unsubscribe token), filled and turned into MIME
bytes, then dropped: what a campaign does before handing bytes to a
transport. Recipients are generated lazily, as a store cursor would.

Sizes: each message against its HTML, with the transfer encoding each part
took, for each kind of transport: 7-bit (SES, an SMTP server without
8BITMIME: each part the smaller of quoted-printable and base64, the only
figure before 8bit) and 8bit (an SMTP server that announced 8BITMIME, the
outbox); beside the size with both parts quoted-printable (as before each
part chose). Gmail clips a message past about 102 KB.
"""

from __future__ import annotations

import email
import email.policy
import gc
import time
import tracemalloc
from collections.abc import Iterator
from email.message import EmailMessage

from stampbook.mail.draft import Draft, Slot
from stampbook.mail.encoding import quoted_printable
from stampbook.mail.message import Message, PreparedDraft, Recipient
from tests.support.mail_examples import NEWSLETTER, newsletter

NAMES = ["Анна", "Борис", "Գայանե", "Светлана", "Ярослав", "Mary", "Дарья", "Цветелина"]
TIERS = ["Гость", "Завсегдатай", "Знаток"]


def big_newsletter(size: int = 47_000) -> Draft:
    """A bulletin the size of a real one: MJML output is mostly markup and Cyrillic text."""
    block = (
        '<tr><td style="padding:16px 24px;font-family:Georgia,serif;font-size:16px;'
        'line-height:1.5;color:#3b2a1a">В этом месяце мы обжарили новый лот из Эфиопии: '
        "ноты бергамота, абрикоса и чёрного чая. Приходите на дегустацию в субботу — "
        "расскажем, как заваривать его в турке и в воронке.</td></tr>\n"
    )
    body = block * (size // len(block.encode()))
    html = (
        '<!doctype html>\n<html lang="ru"><body>\n<table>\n<tr><td>Здравствуйте, ',
        Slot("first_name"),
        "!</td></tr>\n",
        body[: len(body) // 2],
        "<tr><td>У вас ",
        Slot("points"),
        " баллов, уровень «",
        Slot("tier"),
        "».</td></tr>\n",
        body[len(body) // 2 :],
        '<tr><td><a href="',
        Slot("preferences_url"),
        '">Настройки рассылки</a> · <a href="',
        Slot("unsubscribe_url"),
        '">Отписаться</a></td></tr>\n</table>\n</body></html>\n',
    )
    # The example newsletter's text part with a long article in the middle.
    article = "».\n\n" + "В этом месяце мы обжарили новый лот из Эфиопии.\n" * 40 + "\nНастройки: "
    text = (*NEWSLETTER.text[:6], article, *NEWSLETTER.text[7:])
    return Draft((Slot("first_name"), ", новый урожай из Эфиопии"), ("Зёрна недели",), html, text)


def audience(count: int) -> Iterator[Recipient]:
    for n in range(count):
        yield Recipient(
            f"reader{n}@example.com",
            f"c{n:07}",
            f"{NAMES[n % len(NAMES)]} Петрова",
            {
                "first_name": NAMES[n % len(NAMES)],
                "points": f"{n % 5000:,}".replace(",", " "),
                "tier": TIERS[n % 3],
            },
        )


def prepare_all(prepared: PreparedDraft, count: int, eight_bit: bool = False) -> int:
    size = 0
    for recipient in audience(count):
        # The sink: bytes made, then dropped.
        size = len(prepared.message(recipient, eight_bit).data)
    return size


def speed(count: int = 100_000) -> None:
    draft = big_newsletter()
    for eight_bit in (False, True):
        start = time.perf_counter()
        prepared = newsletter(draft)
        size = len(prepared.message(next(audience(1)), eight_bit).data)  # its parts made
        once = time.perf_counter() - start
        gc.collect()
        start = time.perf_counter()
        size = prepare_all(prepared, count, eight_bit)
        elapsed = time.perf_counter() - start
        print(
            f"personal messages (sign + fill + MIME), {_KIND[eight_bit]:<5}"
            f" {count / elapsed:10.0f} /s   ({count} of {size / 1000:.1f} KB in"
            f" {elapsed:.2f} s, one core; preparing the draft and the first: {once * 1000:.1f} ms)"
        )


_KIND = {False: "7-bit", True: "8bit"}


def size(name: str, messages: dict[bool, Message]) -> None:
    """The message for each kind of transport against its HTML, and against
    quoted-printable throughout."""
    seven_bit = _parsed(messages[False])
    html = seven_bit.get_body(("html",))
    assert html is not None
    html_bytes = len(html.get_content().encode())  # as it is: no folds
    quoted = len(messages[False].data)
    for part in seven_bit.iter_parts():
        content = part.get_content().replace("\r\n", "\n")
        quoted += len(quoted_printable(content)) - len(part.get_payload())
    print(
        f"{name}: its HTML {html_bytes / 1000:.1f} KB;"
        f" quoted-printable throughout {quoted / 1000:.1f} KB = {quoted / html_bytes:.2f} x"
    )
    for eight_bit, message in messages.items():
        chosen = [
            f"{part.get_content_subtype()} {part['Content-Transfer-Encoding']}"
            for part in _parsed(message).iter_parts()
        ]
        print(
            f"    {_TRANSPORTS[eight_bit]:<42} {len(message.data) / 1000:7.1f} KB"
            f" = {len(message.data) / html_bytes:.2f} x its HTML ({', '.join(chosen)})"
        )


_TRANSPORTS = {
    False: "7-bit: SES, SMTP without 8BITMIME (before)",
    True: "8bit: SMTP with 8BITMIME, the outbox",
}


def _parsed(message: Message) -> EmailMessage:
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def sizes() -> None:
    bulletin = newsletter(big_newsletter())
    reader = next(audience(1))
    size("the 47 KB Russian bulletin", {b: bulletin.message(reader, b) for b in (False, True)})
    for locale in ("ru", "en"):
        size(f"the example December issue ({locale})", example_messages(locale))


def example_messages(locale: str) -> dict[bool, Message]:
    """The example business's December issue for one reader in `locale`."""
    from datetime import date
    from pathlib import Path

    from stampbook.config import MailSettings
    from stampbook.mail.envelope import prepare
    from stampbook.mail.reader import sample_reader
    from stampbook.mail.render import Renderer
    from stampbook.mail.tokens import Keyring, parse_keys
    from stampbook.programme import load_programme

    programme = load_programme(Path(__file__).parents[2] / "campaigns")
    issue = programme.newsletter("2026-12-winter-lots")
    assert issue is not None
    keyring = Keyring(parse_keys("k1:" + "s" * 43))
    renderer = Renderer(programme)
    draft = renderer.newsletter(issue, locale)
    prepared = prepare(programme.programme_file, draft, True, MailSettings(), keyring, locale)
    reader = sample_reader(programme.programme_file, locale, date(2026, 12, 1))
    values = renderer.personal_values(reader, locale)
    recipient = Recipient("anna@example.com", "c0000042", reader.name, values)
    return {eight_bit: prepared.message(recipient, eight_bit) for eight_bit in (False, True)}


def example_newsletter(count: int = 100_000, eight_bit: bool = False) -> None:
    """The example business's own December issue, rendered once, for readers who differ.

    Each reader's values (points, tier, expiry, certificates) are formatted for
    the locale per person, as a campaign does.
    """
    from dataclasses import replace
    from datetime import date
    from pathlib import Path

    from stampbook.config import MailSettings
    from stampbook.mail.envelope import prepare
    from stampbook.mail.reader import sample_reader
    from stampbook.mail.render import Renderer
    from stampbook.mail.tokens import Keyring, parse_keys
    from stampbook.programme import load_programme

    programme = load_programme(Path(__file__).parents[2] / "campaigns")
    issue = programme.newsletter("2026-12-winter-lots")
    assert issue is not None
    keyring = Keyring(parse_keys("k1:" + "s" * 43))
    start = time.perf_counter()
    renderer = Renderer(programme)
    draft = renderer.newsletter(issue, "ru")
    prepared = prepare(programme.programme_file, draft, True, MailSettings(), keyring, "ru")
    once = time.perf_counter() - start
    reader = sample_reader(programme.programme_file, "ru", date(2026, 12, 1))
    start = time.perf_counter()
    size = 0
    for n in range(count):
        person = replace(reader, name=NAMES[n % len(NAMES)], points=n % 5000)
        values = renderer.personal_values(person, "ru")
        recipient = Recipient(f"reader{n}@example.com", f"c{n:07}", person.name, values)
        size = len(prepared.message(recipient, eight_bit).data)
    elapsed = time.perf_counter() - start
    print(
        f"the example December issue, values per reader, {_KIND[eight_bit]:<5}"
        f" {count / elapsed:10.0f} /s"
        f"   ({count} of {size / 1000:.1f} KB in {elapsed:.2f} s;"
        f" rendering and preparing once: {once * 1000:.0f} ms)"
    )


def memory() -> None:
    prepared = newsletter(big_newsletter())
    for count in (10_000, 100_000):
        gc.collect()
        tracemalloc.start()
        prepare_all(prepared, count)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak memory while preparing {count:>7} messages   {peak / 1e6:10.2f} MB")


def main() -> None:
    sizes()
    speed()
    example_newsletter()
    example_newsletter(eight_bit=True)
    memory()


if __name__ == "__main__":
    main()
