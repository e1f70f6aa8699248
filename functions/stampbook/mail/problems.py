"""Errors of rendering, each saying where: the file, the line, and what is missing."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from pathlib import Path

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class TextPlace:
    """Where an owner's text was written: its file and its key path there.

    `source` is `automations.yaml` or a newsletter's slug, as `Programme.sources`
    keys them; `path` is the text's key path in that file, its language
    included when the text is written per language.
    """

    source: str
    path: KeyPath
    locale: str

    def __str__(self) -> str:
        keys = self.path[:-1] if self.path and self.path[-1] == self.locale else self.path
        locale = self.locale
        dotted = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys)
        file = self.source if self.source.endswith(".yaml") else f"newsletter {self.source}"
        return f"{file}: {dotted.lstrip('.')} ({locale})"


class TemplateProblem(ValueError):
    """A template or an owner's text that cannot be rendered; says file, line and why.

    For an owner's text it also says which (`place`), the line within that
    text (`line`), the name it could not find (`missing`) and the names it
    could have used (`names`), so `check` can point at the line in the YAML.
    """

    def __init__(
        self,
        message: str,
        *,
        place: TextPlace | None = None,
        line: int | None = None,
        missing: str | None = None,
        names: tuple[str, ...] = (),
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.reason = reason or message  # what went wrong, without where
        self.place = place
        self.line = line
        self.missing = missing
        self.names = names


def shown(path: str | Path) -> str:
    """A path as the owner would type it: relative to here when it is below here."""
    text = str(path)
    try:
        return os.path.relpath(text) if Path(text).is_absolute() else text
    except ValueError:  # another drive on Windows
        return text


def template_line(error: BaseException, filename_suffix: str) -> tuple[str, int] | None:
    """The deepest template frame in `error`'s traceback: (file, line).

    Jinja rewrites tracebacks so that frames of compiled templates carry the
    template's file name and line; the deepest one is where it went wrong.
    """
    from jinja2 import TemplateSyntaxError

    if isinstance(error, TemplateSyntaxError) and error.lineno:
        return (error.filename or error.name or filename_suffix, error.lineno)
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(filename_suffix) and frame.lineno is not None:
            found = (frame.filename, frame.lineno)
    return found
