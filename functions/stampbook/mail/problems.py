"""Errors of rendering, each saying where: the file, the line, and what is missing."""

from __future__ import annotations

import os
import traceback
from pathlib import Path


class TemplateProblem(ValueError):
    """A template or an owner's text that cannot be rendered; says file, line and why."""


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
