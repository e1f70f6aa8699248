"""The languages Stampbook speaks: those it has its own words in.

Every page, email and refusal mixes the owner's texts with Stampbook's own
words (buttons, footers, the terms, plurals of "point"), so a programme may
offer only the languages those words exist in. The set is read from the words
files themselves; nothing else lists it.

To add a language, say German (`de`):

1. translate `templates/locales/en.yaml` into `templates/locales/de.yaml`
   (the emails' words, and those the site shares with them);
2. translate `templates/site/locales/en.yaml` into
   `templates/site/locales/de.yaml` (the site's pages and forms);
3. make sure the site's theme speaks it: Material for MkDocs needs its own
   `partials/languages/de.html` (a test checks every language has one).

`stampbook check` then accepts `de` under `locales`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages


def _builtin_templates() -> Path:
    """Stampbook's own templates and words, inside the package (installed or not)."""
    return Path(__file__).resolve().parents[1] / "templates"


BUILTIN_TEMPLATES = _builtin_templates()
OWNER_TEMPLATES = "templates"  # the owner's own, inside the campaigns folder
# Each folder holds one `<code>.yaml` per language; a language needs all of them.
WORDS_FOLDERS = ("locales", "site/locales")


@cache
def languages_with_words(templates: Path = BUILTIN_TEMPLATES) -> frozenset[str]:
    """The language codes every words folder under `templates` has a file for."""
    found = [
        frozenset(path.stem for path in (templates / folder).glob("*.yaml"))
        for folder in WORDS_FOLDERS
    ]
    return frozenset.intersection(*found)


def has_words(code: object) -> bool:
    return isinstance(code, str) and code in languages_with_words()


def language_name(code: str) -> str | None:
    """`hy` -> `Armenian`; None for a code no one uses."""
    try:
        name = Locale.parse(code).get_display_name("en")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return str(name) if name else None


def described(code: str) -> str:
    """`hy (Armenian)`, for lists of languages."""
    name = language_name(code)
    return f"{code} ({name})" if name else code


def meant_language(code: str) -> str | None:
    """The language with words the owner probably meant by `code`, if one stands out.

    Owners type a country's code (`am` for Armenia), an ISO 639-2 code
    (`arm`, `bul`), the start of the language's name (`bu`), or a regional
    variant (`en_GB`).
    """
    known = languages_with_words()
    typed = code.strip()
    guesses: list[str | None] = [
        get_global("language_aliases").get(typed.lower()),
        *get_official_languages(typed.upper()),
        typed.replace("-", "_").split("_")[0].lower(),
        *sorted(
            language
            for language in known
            if len(typed) >= 2 and (language_name(language) or "").lower().startswith(typed.lower())
        ),
    ]
    return next((guess for guess in guesses if guess in known and guess != typed), None)


def language_hint(code: str) -> str:
    """What to say about a language code Stampbook has no words in."""
    name = language_name(code)
    meant = meant_language(code)
    if meant is not None:
        meant_name = language_name(meant)
        if name and _language_of(code) == meant:
            return f"Stampbook's {meant_name} is '{meant}'"
        if name:
            return f"'{code}' is {name}; {meant_name} is '{meant}'"
        return f"did you mean '{meant}' ({meant_name})?"
    spoken = [described(language) for language in sorted(languages_with_words())]
    listed = ", ".join(spoken[:-1]) + f" and {spoken[-1]}" if len(spoken) > 1 else "".join(spoken)
    return f"Stampbook speaks {listed}"


def _language_of(code: str) -> str | None:
    try:
        return str(Locale.parse(code).language)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
