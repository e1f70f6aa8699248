"""Texts the owner writes once for everyone, or once per language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema


class LocalizedText:
    """A plain string (the same in every language) or a mapping locale -> string.

    Which locales are required is known only once `program.yaml` is read, so
    completeness is checked by the loader (`missing`), not here.
    """

    __slots__ = ("_by_locale", "_everywhere")

    def __init__(self, value: str | Mapping[str, str]) -> None:
        if isinstance(value, str):
            self._everywhere: str | None = value
            self._by_locale: dict[str, str] = {}
        else:
            self._everywhere = None
            self._by_locale = dict(value)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._by_locale)

    def missing(self, locales: Iterable[str]) -> list[str]:
        if self._everywhere is not None:
            return []
        return [locale for locale in locales if locale not in self._by_locale]

    def get(self, locale: str, fallback: str | None = None) -> str:
        """The text in `locale`, else in `fallback`, else the first one written."""
        if self._everywhere is not None:
            return self._everywhere
        for wanted in (locale, fallback):
            if wanted is not None and wanted in self._by_locale:
                return self._by_locale[wanted]
        return next(iter(self._by_locale.values()), "")

    def written_in(self, locale: str, fallback: str | None = None) -> str | None:
        """The language `get` takes the text in; None for one text for every language."""
        if self._everywhere is not None:
            return None
        for wanted in (locale, fallback):
            if wanted is not None and wanted in self._by_locale:
                return wanted
        return next(iter(self._by_locale), None)

    def raw(self) -> str | dict[str, str]:
        return self._everywhere if self._everywhere is not None else dict(self._by_locale)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalizedText) and self.raw() == other.raw()

    def __hash__(self) -> int:
        raw = self.raw()
        return hash(raw if isinstance(raw, str) else tuple(sorted(raw.items())))

    def __repr__(self) -> str:
        return f"LocalizedText({self.raw()!r})"

    @classmethod
    def _validate(cls, value: Any) -> LocalizedText:
        if isinstance(value, LocalizedText):
            return value
        if isinstance(value, str):
            if not value.strip():
                raise PydanticCustomError("empty_text", "the text is empty")
            return cls(value)
        if isinstance(value, Mapping) and value:
            for locale, text in value.items():
                if not isinstance(text, str) or not text.strip():
                    raise PydanticCustomError(
                        "localized_text",
                        "the text for '{locale}' must be non-empty text",
                        {"locale": str(locale)},
                    )
            return cls({str(k): v for k, v in value.items()})
        raise PydanticCustomError(
            "localized_text", "expected a text, or a mapping of language to text"
        )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda v: v.raw()),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "x-stampbook": "localized-text",
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"type": "string", "minLength": 1},
                },
            ],
            "description": "The same text for every language, or one text per language code.",
        }
