"""Every email filled in once, in every language, before anyone gets one.

The owner's texts (newsletter subjects, preheaders and blocks; automatic
emails' subjects and bodies; holiday greetings) and the templates are
rendered with a sample reader and the values each kind of email is really
sent with: a thank-you has `points_earned`, a win-back does not. A name
that is not there, a filter that fails or a broken `{{` is reported at its
line in the YAML, with the name meant, instead of failing at the first
customer. `check` runs it, and so do `send` and `daily` before they touch
anyone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path

from ..programme import Programme
from ..programme.problems import Problem
from ..programme.yamlsource import SourceMap
from .draft import Draft
from .problems import TemplateProblem, TextPlace
from .reader import Occasion, sample_occasion, sample_reader
from .render import EMAILS, Renderer

# A template file's problem reads "templates/email/x.mjml.j2:12: what".
_TEMPLATE_AT = re.compile(r"^(?P<file>[^:\n]+\.j2):(?P<line>\d+): (?P<what>.*)$", re.S)


def proofread(programme: Programme, today: date, renderer: Renderer | None = None) -> list[Problem]:
    """What would stop an email of `programme` from being made, in any language.

    Give the `renderer` to use its compiled issues afterwards (`check` measures them).
    """
    renderer = renderer or Renderer(programme)
    found: dict[tuple[str, int, int, str], Problem] = {}
    for make in _every_email(programme, renderer, today):
        try:
            make()
        except TemplateProblem as problem:
            said = _located(programme, problem)
            found.setdefault((said.file, said.line, said.column, said.message), said)
    return sorted(found.values(), key=lambda p: (p.file, p.line, p.column))


def _every_email(
    programme: Programme, renderer: Renderer, today: date
) -> Iterator[Callable[[], Draft]]:
    programme_file = programme.programme_file
    holidays = programme.automations.holidays
    greetings = [greeting.id for greeting in holidays.greetings] if holidays else []
    for locale in programme_file.locales.available:
        reader = sample_reader(programme_file, locale, today)
        for name, email in EMAILS.items():
            for greeting in greetings if "greeting" in email.needs else [None]:
                sample = sample_occasion(programme_file, greeting, today)
                occasion = Occasion(**{f: getattr(sample, f) for f in email.gets})
                if not all(getattr(occasion, needed) is not None for needed in email.needs):
                    continue
                # Made the way it is sent: compiled once with the reader's values as
                # slots, a text that decides by them is a mistake here too.
                if email.compiled_once:
                    yield partial(renderer.greeting, name, locale, occasion)
                else:
                    yield partial(renderer.email, name, locale, reader, occasion)
        for newsletter in programme.newsletters:
            yield partial(renderer.newsletter, newsletter, locale)


def _located(programme: Programme, problem: TemplateProblem) -> Problem:
    place = problem.place
    source = programme.sources.get(place.source) if place else None
    if place is None or source is None:
        return _in_a_template(programme, problem)
    line, column = _text_line(programme, source, place, problem)
    if problem.missing:
        message = f"'{problem.missing}' is not a value this email has"
        hint = _meant(problem.missing, problem.names)
    else:
        message, hint = problem.reason, ""
    return Problem(source.file, line, column, place.path, message, hint)


def _meant(missing: str, names: tuple[str, ...]) -> str:
    """Did-you-mean among the names, then among parts of values (`valeu` -> `certificate.value`)."""
    whole = [name for name in names if "." not in name]
    parts = {name.rsplit(".", 1)[-1]: name for name in names if "." in name}
    for choices, full in ((whole, {n: n for n in whole}), (list(parts), parts)):
        found = difflib.get_close_matches(missing, choices, n=1, cutoff=0.6)
        if found:
            return f"did you mean '{full[found[0]]}'?"
    return "it has: " + ", ".join(whole)


def _text_line(
    programme: Programme, source: SourceMap, place: TextPlace, problem: TemplateProblem
) -> tuple[int, int]:
    """The file's line and column of the text's line that went wrong."""
    start = source.value_at(place.path)
    lines = _lines(_on_disk(programme, source.file))  # read again: the owner may have just saved
    if not 0 < start.line <= len(lines):
        return start.line, start.column
    first = lines[start.line - 1]
    # A block scalar (`|` or `>`) starts on the line after its indicator.
    block = first[start.column - 1 : start.column] in ("|", ">")
    line = start.line + (problem.line or 1) - (0 if block else 1)
    if not 0 < line <= len(lines):
        return start.line, start.column
    text = lines[line - 1]
    if problem.missing:
        at = text.find(problem.missing.rsplit(".", 1)[-1])
        if at >= 0:
            return line, at + 1
    if line == start.line:
        return line, start.column
    return line, len(text) - len(text.lstrip()) + 1


def _in_a_template(programme: Programme, problem: TemplateProblem) -> Problem:
    """A problem of a template file, or of something no YAML line stands for."""
    said = str(problem)
    at = _TEMPLATE_AT.match(said)
    if at:
        return Problem(_as_shown(programme, at["file"]), int(at["line"]), 1, (), at["what"])
    return Problem(str(programme.root), 1, 1, (), said)


def _as_shown(programme: Programme, file: str) -> str:
    """An owner's template as their YAML files are shown: from the campaigns folder's parent."""
    path = Path(file).resolve()
    try:
        return str(path.relative_to(programme.root.resolve().parent))
    except ValueError:
        return file


def _on_disk(programme: Programme, shown: str) -> Path:
    path = Path(shown)
    return path if path.is_absolute() else programme.root.parent / path


def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").splitlines())
    except OSError:
        return ()
