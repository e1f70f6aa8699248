"""Whether Gmail would clip a newsletter issue: its HTML part measured as sent.

Gmail shows a long message only up to a size, then "[Message clipped] View
entire message". What it hides is the end of the email: the unsubscribe link
and the postal address every marketing email must carry. Few readers click
through, so an issue past the size is, for most of them, an issue without
either. `stampbook check` and `send --dry-run` warn before it is sent.

Google publishes no rule. What the public sources say, and disagree on:

- Spam Resource, "What is Gmail clipping and what to do about it" (Al
  Iverson, January 2022,
  https://www.spamresource.com/2022/01/what-is-gmail-clipping-and-what-to-do.html):
  everyone quotes 102 KB of HTML source; his own tests clipped at about
  105 KB, and the limit moved with the transfer encoding (quoted-printable,
  base64 or none).
- "Gmail clips emails at 102 kB or with special characters"
  (https://github.com/hteumeuleu/email-bugs/issues/41): nobody has an
  official source; emails of 99-point-something KB were clipped once the
  sending platform had added its own markup; one tester holds that Gmail
  measures the raw source, quoted-printable's escapes included.
- Leanplum's help centre, "Gmail clipping content of the emails"
  (https://support.leanplum.com/hc/en-us/articles/4404312822420): 102 KB of
  the whole message, headers and body, after base64 encoding.
- Campaign Monitor's forum, "What rule does GMail use to decide when to
  clip a message?" (https://www.campaignmonitor.com/forums/post/30323/):
  clipped at 102 KB of HTML and not at 101; images are not counted.
- Some read 102 KB as 102 x 1024 = 104 448 bytes, others as 102 000.

The conservative reading, which this module uses:

- What is counted: the HTML part's body as it travels, after its transfer
  encoding, with a realistic reader's values and signed links in it. Images
  are not: they are links to files, a few dozen bytes each.
- Which encoding: the larger of the two Stampbook may send (`parts.py`):
  7-bit (quoted-printable or base64, whichever is smaller: SES, and an SMTP
  server without 8BITMIME) and 8bit (the outbox, SMTP with 8BITMIME). The
  7-bit one is the larger in practice, by half for Russian text. `check`
  knows no transport, and a relay may turn 8bit back into 7-bit, so one
  rule serves both commands: never a warning that depends on a setting.
- The limit: 102 000 bytes, the smaller reading of "102 KB". The 2 448
  bytes it keeps below 104 448 are more than the headers Stampbook writes
  (about 1 KB), so the whole-message reading is covered too.
- Not counted: the plain-text part. Gmail shows the HTML one, and every
  published test grew the HTML alone; only the Leanplum page counts the
  whole message, with no test behind it.
- Within 10 % of the limit (from 91 800 bytes) `check` adds a note: a few
  more paragraphs, or a sending platform's additions, and it is clipped.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date

from ..programme import Programme
from ..programme.languages import described
from ..programme.newsletter import Newsletter, TextBlock
from ..programme.problems import KeyPath, Problem
from .draft import Draft
from .links import DEFAULT_PAGES, SLOT_PURPOSES
from .parts import html_part
from .reader import sample_reader
from .render import Renderer
from .tokens import LIFETIMES, Keyring, new_key_text, parse_keys, token_subject

GMAIL_CLIPS_AT = 102_000  # bytes of the HTML part as sent; see above for why this number
NEAR = 0.9  # from here on, a note: within 10 % of the limit
KB = 1000  # the sources' "102 KB" is read as 102 000 bytes, so sizes are shown in the same unit


@dataclass(frozen=True, slots=True)
class HtmlSize:
    """One language of one issue: its HTML part's body in bytes, as each transport gets it."""

    locale: str
    seven_bit: int  # quoted-printable or base64: SES, SMTP without 8BITMIME
    eight_bit: int  # the outbox, SMTP with 8BITMIME

    @property
    def measured(self) -> int:
        """What is held against the limit: the larger of the two."""
        return max(self.seven_bit, self.eight_bit)

    @property
    def clipped(self) -> bool:
        return self.measured > GMAIL_CLIPS_AT

    @property
    def near(self) -> bool:
        return not self.clipped and self.measured >= NEAR * GMAIL_CLIPS_AT


def issue_locales(programme: Programme, newsletter: Newsletter) -> tuple[str, ...]:
    """The languages the issue goes out in: its audience's, or every one of the programme."""
    return newsletter.audience.locales or programme.programme_file.locales.available


def html_size(
    programme: Programme, renderer: Renderer, draft: Draft, locale: str, today: date
) -> HtmlSize:
    """The draft's HTML part for a sample reader of `locale`, in bytes, as it would be sent."""
    values = _sample_values(programme, renderer, locale, today)
    sizes = []
    for eight_bit in (False, True):
        _, body = html_part(draft.html, eight_bit).body(values, {})
        sizes.append(sum(map(len, body)))
    return HtmlSize(locale, *sizes)


def issue_sizes(
    programme: Programme, newsletter: Newsletter, today: date, renderer: Renderer
) -> list[HtmlSize]:
    """The issue's HTML size in each language it goes out in."""
    return [
        html_size(programme, renderer, renderer.newsletter(newsletter, locale), locale, today)
        for locale in issue_locales(programme, newsletter)
    ]


def clipping_notes(
    programme: Programme, today: date, renderer: Renderer | None = None
) -> list[Problem]:
    """A warning for each issue and language Gmail would clip, a note for each close to it.

    Run after `proofread` found nothing: every draft can be made.
    """
    renderer = renderer or Renderer(programme)
    found = []
    for newsletter in programme.newsletters:
        for size in issue_sizes(programme, newsletter, today, renderer):
            said = said_of(programme, newsletter, size)
            if said is not None:
                found.append(said)
    return found


def said_of(programme: Programme, newsletter: Newsletter, size: HtmlSize) -> Problem | None:
    """The warning or note for `size`, at the issue's longest text in that language."""
    if not (size.clipped or size.near):
        return None
    source = programme.sources.get(newsletter.slug)
    path = _longest_text(newsletter, size.locale, programme.programme_file.locales.default)
    where = source.value_at(path) if source else None
    file = source.file if source else f"newsletters/{newsletter.slug}.yaml"
    language, measured, limit = (
        described(size.locale),
        kb(size.measured),
        f"{GMAIL_CLIPS_AT // KB} KB",
    )
    if size.clipped:
        message = (
            f"warning: Gmail would clip this issue in {language}: its HTML is {measured} as"
            f" sent, {kb(size.measured - GMAIL_CLIPS_AT)} over the {limit} Gmail shows; readers"
            ' see "[Message clipped]" instead of the end, where the unsubscribe link and'
            " your postal address are"
        )
        hint = (
            "move the long article to your website and link to it; fewer or lighter"
            " images do not help: images are not counted, the text and markup are"
        )
    else:
        message = (
            f"note: this issue in {language} is close to being clipped by Gmail: its HTML is"
            f" {measured} as sent, {kb(GMAIL_CLIPS_AT - size.measured)} under the {limit}"
            " Gmail shows"
        )
        hint = "a few more paragraphs and Gmail hides its end; link long articles on your website"
    line, column = (where.line, where.column) if where else (1, 1)
    return Problem(file, line, column, path, message, hint)


def kb(size: int) -> str:
    """`131412` -> `131.4 KB` (of 1 000 bytes, as the limit is read)."""
    return f"{size / KB:.1f} KB"


def _longest_text(newsletter: Newsletter, locale: str, default: str) -> KeyPath:
    """Where the issue's longest text block in `locale` is written: what to move out first."""
    texts = [
        (len(block.markdown.get(locale, default)), n, block)
        for n, block in enumerate(newsletter.blocks)
        if isinstance(block, TextBlock)
    ]
    if not texts:
        return ("blocks",)
    _, n, block = max(texts, key=lambda found: (found[0], -found[1]))
    written = block.markdown.written_in(locale, default)
    return ("blocks", n, "markdown") if written is None else ("blocks", n, "markdown", written)


def _sample_values(
    programme: Programme, renderer: Renderer, locale: str, today: date
) -> dict[str, str]:
    """A sample reader's values and links signed as a send signs them, with a key of
    the same length as the owner's: the same number of bytes, none of the owner's secrets."""
    reader = sample_reader(programme.programme_file, locale, today)
    values = renderer.personal_values(reader, locale)
    keyring = Keyring(parse_keys(new_key_text()))
    site = programme.programme_file.site_url_of(locale).rstrip("/")
    customer = token_subject(uuid.uuid4().hex)  # customer ids are 32 hex digits
    order = token_subject(uuid.uuid4().hex)
    now = int(time.time())
    for slot, purpose in SLOT_PURPOSES.items():
        head = keyring.head(purpose, now + int(LIFETIMES[purpose].total_seconds()))
        subject = order if slot == "feedback_url" else customer
        values[slot] = f"{site}/{DEFAULT_PAGES[purpose]}?t=" + keyring.seal(head + subject)
    return values
