"""The site's words in one locale: Stampbook's own, then the owner's overrides.

The site's texts live beside the email texts (`templates/site/locales/`);
the email files still give the shared words, such as `1 point / 5 points`.
An owner may override any of them in `campaigns/templates/site/locales/`.
"""

from __future__ import annotations

from ..mail.locale import Formatter
from ..mail.strings import Strings
from ..programme import Programme

# From where they are defined, not through `mail.render`: the API's points page
# reads these words, and need not load the email renderer to do so.
from ..programme.languages import BUILTIN_TEMPLATES, OWNER_TEMPLATES
from ..programme.text import LocalizedText

SITE_LOCALES = BUILTIN_TEMPLATES / "site" / "locales"


def site_words(programme: Programme, locale: str) -> Strings:
    owner = programme.root / OWNER_TEMPLATES
    folders = (
        owner / "site" / "locales",
        owner / "locales",
        SITE_LOCALES,
        BUILTIN_TEMPLATES / "locales",
    )
    return Strings.load(folders, Formatter.of(locale, programme.programme_file))


def owner_text(programme: Programme, text: LocalizedText, locale: str) -> str:
    return text.get(locale, programme.programme_file.locales.default)
