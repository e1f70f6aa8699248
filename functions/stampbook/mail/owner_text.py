"""The owner's texts from the YAML files, with `{{ name }}` and friends filled in.

Subjects are plain text; bodies are Markdown, turned into HTML after the
values are in. A value placed into Markdown is escaped first, so a customer
called `*Anna*` is greeted as `*Anna*`, not in italics. The owner's texts run
in Jinja's sandbox with every name required: a misspelt `{{ nmae }}` is an
error naming the file, the text and the line, not an empty gap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .markdown import escape_markdown, markdown_to_html
from .palette import DEFAULT, Palette
from .problems import TemplateProblem, TextPlace, template_line
from .slots import PersonalValue, PersonalValueAsData
from .strings import tidied

_OWNER_TEMPLATE = "<template>"  # the file name Jinja gives a template made from a string
# How StrictUndefined names what is missing: a name, or an attribute of a value.
_UNDEFINED = re.compile(r"^'(?:[^']+ object' has no attribute '([^']+)'|([^']+)' is undefined)")


def _markdown_value(value: object) -> object:
    # Markers are letters and digits already; escaping would only copy them.
    if isinstance(value, str) and not isinstance(value, PersonalValue):
        return escape_markdown(value)
    return value


@cache
def _environment(markdown: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_markdown_value if markdown else None,
    )


# An automatic email's texts are filled for every customer it goes to:
# compiling each text once spares the compilation, most of the cost.
@lru_cache(maxsize=1024)
def _compiled(text: str, markdown: bool) -> Template:
    return _environment(markdown).from_string(text)


def fill(
    text: str, values: Mapping[str, object], where: TextPlace | str, *, markdown: bool = False
) -> str:
    """`text` with its `{{ }}` filled from `values`; `where` names it in errors."""
    if "{" not in text:
        return text
    try:
        filled = _compiled(text, markdown).render(values)
    except (TemplateError, PersonalValueAsData, TypeError, ValueError) as error:
        found = template_line(error, _OWNER_TEMPLATE)
        line = f", line {found[1]}" if found else ""
        message = getattr(error, "message", None) or str(error)
        undefined = _UNDEFINED.match(message)
        raise TemplateProblem(
            f"{where}{line}: {message}",
            place=where if isinstance(where, TextPlace) else None,
            line=found[1] if found else None,
            missing=next(filter(None, undefined.groups()), None) if undefined else None,
            names=_names(values),
            reason=message,
        ) from error
    # As the values stand in the text: escaped, in Markdown.
    shown = {key: _markdown_value(value) for key, value in values.items()} if markdown else values
    return tidied(filled, shown)


def _names(values: Mapping[str, object]) -> tuple[str, ...]:
    """The names a text may use: `name`, and `certificate.value` for a value's parts."""
    names: list[str] = []
    for key, value in values.items():
        names.append(key)
        if isinstance(value, Mapping):
            names += [f"{key}.{part}" for part in value]
    return tuple(names)


def subject(text: str, values: Mapping[str, object], where: TextPlace | str) -> str:
    return " ".join(fill(text, values, where).split())


def body(
    text: str, values: Mapping[str, object], where: TextPlace | str, palette: Palette = DEFAULT
) -> Markup:
    """Markdown -> HTML that is safe to place into the email as it is (raw HTML is off)."""
    return Markup(markdown_to_html(fill(text, values, where, markdown=True), palette))
