"""Stampbook's own words (button labels, footers, default texts) in each language.

They live in `templates/locales/<lang>.yaml`, nested keys with leaf texts;
`{business}`-style placeholders are filled in when used. A leaf that is a
mapping of CLDR plural categories (`one`, `few`, `many`, `other`) is chosen
by the number passed as `count`. The owner may override any text, or add
new ones for their own templates, in `campaigns/templates/locales/<lang>.yaml`.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .locale import Formatter

PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
FALLBACK_LANGUAGE = "en"

Text = str | dict[str, str]  # a text, or one text per plural category


class StringsProblem(ValueError):
    """A locale file that cannot be used, or a text used without its placeholders."""


def read_strings(path: Path) -> dict[str, Text]:
    """One locale file as flat keys: `{"confirm.subject": "...", "common.points": {...}}`."""
    try:
        import yaml  # only when words are first needed, not at import

        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise StringsProblem(f"{path}: cannot read: {error}") from error
    flat: dict[str, Text] = {}
    _flatten(data or {}, "", flat, path)
    return flat


def _flatten(node: object, prefix: str, out: dict[str, Text], path: Path) -> None:
    if not isinstance(node, dict):
        raise StringsProblem(f"{path}: {prefix or 'the file'}: expected a mapping of texts")
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, dict) and value and set(value) <= PLURAL_CATEGORIES:
            if "other" not in value or not all(isinstance(v, str) for v in value.values()):
                raise StringsProblem(f"{path}: {name}: plural forms need texts and an 'other'")
            out[name] = {str(k): v for k, v in value.items()}
        else:
            _flatten(value, f"{name}.", out, path)


def placeholders(text: Text) -> frozenset[str]:
    """The `{names}` a text expects, across all its plural forms."""
    forms = text.values() if isinstance(text, dict) else (text,)
    return frozenset(
        field for form in forms for _, field, _, _ in string.Formatter().parse(form) if field
    )


def locale_files(folders: Iterable[Path], locale: str) -> list[Path]:
    """The files that make up `locale`'s texts, most general first, owner's last.

    `pt_BR` is built on `pt`, which is built on English, so a text that was
    never translated still says something sensible.
    """
    language = locale.split("_")[0]
    names = [FALLBACK_LANGUAGE, language, locale]
    names = [n for i, n in enumerate(names) if n not in names[:i]]
    return [
        folder / f"{name}.yaml"
        for folder in reversed(list(folders))
        for name in names
        if (folder / f"{name}.yaml").is_file()
    ]


@dataclass(frozen=True)
class Strings:
    """The texts of one locale, ready to fill in."""

    texts: Mapping[str, Text]
    formatter: Formatter

    @classmethod
    def load(cls, folders: Iterable[Path], formatter: Formatter) -> Strings:
        """`folders` in order of precedence: the owner's first, the built-in last."""
        texts: dict[str, Text] = {}
        for path in locale_files(folders, formatter.locale):
            texts.update(read_strings(path))
        return cls(texts, formatter)

    def __call__(self, key: str, count: int | Decimal | None = None, **values: object) -> str:
        try:
            text = self.texts[key]
        except KeyError:
            raise StringsProblem(f"no text {key!r} in any locale file") from None
        if isinstance(text, dict):
            if count is None:
                raise StringsProblem(f"{key!r} depends on a number: pass count=")
            text = text.get(self.formatter.plural_form(count), text["other"])
            values = {"count": self.formatter.number(count), **values}
        try:
            filled = text.format_map(values)
        except (KeyError, IndexError, ValueError) as error:
            raise StringsProblem(f"{key!r} ({self.formatter.locale}): needs {error}") from None
        return tidied(filled, values)

    def points(self, count: int) -> str:
        """`1 балл`, `2 балла`, `5 баллов`."""
        return self("common.points", count=count)


# The quotes each language puts around a name: «», „“, "" and “”.
_QUOTES = (("«", "»"), ("„", "“"), ('"', '"'), ("“", "”"))


def tidied(text: str, values: Mapping[str, object]) -> str:
    """What filling in left doubled, taken out.

    - A value with quotes of its own (a business called „Пекарна „Тепетата““)
      is not quoted again: `«Цветочная «Ануш»»` -> `Цветочная «Ануш»`.
    - A value ending in a full stop (a Russian date, `8 марта 2027 г.`) at the
      end of a sentence does not get a second one.
    """
    for value in values.values():
        # A reader's value compiled as a slot (a `str` subclass) is never a name or date.
        if type(value) is not str or not value:
            continue
        if any(q in value for pair in _QUOTES for q in pair):
            for opening, closing in _QUOTES:
                text = text.replace(f"{opening}{value}{closing}", value)
        if value.endswith("."):
            text = text.replace(f"{value}.", value)
    return text
