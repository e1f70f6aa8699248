"""Benchmark: compiling a newsletter once, and filling its draft per reader.

A campaign pays for Jinja + MJML once per issue and language; each reader
then costs the formatting of their values and string joining. Printed, never
asserted: compare between changes.
"""

from __future__ import annotations

from datetime import date

from stampbook.mail.draft import LINK_SLOTS
from stampbook.mail.reader import Reader, sample_occasion, sample_reader
from stampbook.mail.render import Renderer
from stampbook.programme import load_programme
from tests.support.paths import EXAMPLE

from .programme import measure

READERS = 10_000
TODAY = date(2026, 11, 23)


def main() -> None:
    programme = load_programme(EXAMPLE)
    issue = programme.newsletters[0]
    programme_file = programme.programme_file
    links = {
        slot: f"https://mednaya-turka.example/l/{slot}?t=0123456789abcdef" for slot in LINK_SLOTS
    }

    measure(
        "newsletter, first compile (templates parsed)",
        lambda: Renderer(programme).newsletter(issue, "ru"),
        5,
    )
    warm = Renderer(programme)
    warm.newsletter(issue, "en")  # templates are parsed and cached from here on

    def compile_again() -> None:
        warm._newsletters.clear()
        warm.newsletter(issue, "ru")

    measure("newsletter, compile once per issue and language", compile_again, 20)

    draft = warm.newsletter(issue, "ru")
    base = sample_reader(programme_file, "ru", TODAY)
    readers = [
        Reader(email=f"r{n}@example.com", name=f"Читатель {n}", points=n, tier=base.tier)
        for n in range(READERS)
    ]

    def fill_all() -> None:
        for reader in readers:
            values = {**warm.personal_values(reader, "ru"), **links}
            draft.fill_subject(values)
            draft.fill_html(values)
            draft.fill_text(values)

    measure(f"fill the draft for {READERS:,} readers (values + html + text)", fill_all, 3)

    occasion = sample_occasion(programme_file, None, TODAY)
    measure(
        "one-off email rendered for one person (thank_you)",
        lambda: warm.email("thank_you", "ru", base, occasion),
        20,
    )


if __name__ == "__main__":
    main()
