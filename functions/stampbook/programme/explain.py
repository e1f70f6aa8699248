"""Turn pydantic's validation errors into problems an owner can act on.

Pydantic reports a location (`loc`) in terms of the models, including union
tags; we map it back onto the YAML data to find the line, and onto the model
classes to suggest the key or value the owner probably meant.
"""

from __future__ import annotations

import difflib
import types
from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .currencies import meant_currency_hint
from .fields import CURRENCY_PATTERN, LANGUAGE_PATTERN, SLUG_PATTERN
from .languages import language_hint
from .problems import KeyPath, Problem
from .yamlsource import Document

M = TypeVar("M", bound=BaseModel)

_PATTERN_WORDS = {
    SLUG_PATTERN: (
        "an id of lowercase letters, digits, '-' or '_'",
        "e.g. `free-espresso`; no spaces or capitals",
    ),
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": ("an email address", "e.g. `hello@example.com`"),
    r"^https?://[^\s/]+(/\S*)?$": ("a web address", "start it with https://"),
    r"^(https?://|mailto:)\S+$": ("a link", "start it with https:// or mailto:"),
    LANGUAGE_PATTERN: ("a language code", ""),  # the hint names the languages there are
    CURRENCY_PATTERN: ("a three-letter ISO 4217 currency code", "e.g. `RUB`, `EUR`, `AMD`"),
}


def describe(value: Any) -> str:
    """How to show the owner's value inside a message."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def closest(word: str, choices: list[str]) -> str:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean '{found[0]}'?" if found else ""


def data_path(data: Any, loc: tuple[int | str, ...]) -> KeyPath:
    """Follow pydantic's `loc` through the YAML data, skipping union tags."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        # Separate branches: mypy narrows the index type per container.
        if isinstance(current, dict) and isinstance(part, str) and part in current:  # noqa: SIM114
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path.append(part)
        elif index == len(loc) - 1 and isinstance(part, str):
            path.append(part)  # a missing or unknown key
    return tuple(path)


def _strip(tp: Any) -> Any:
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        elif get_origin(tp) in (Union, types.UnionType):
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _tag_of(model: Any) -> str | None:
    if isinstance(model, type) and issubclass(model, BaseModel) and "type" in model.model_fields:
        annotation = model.model_fields["type"].annotation
        if get_origin(annotation) is Literal:
            return str(get_args(annotation)[0])
    return None


def union_tags(tp: Any) -> list[str]:
    return [tag for tag in map(_tag_of, get_args(_strip(tp))) if tag]


def _step(tp: Any, part: int | str) -> Any:
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return field.annotation if field else None
    origin = get_origin(tp)
    if origin in (tuple, list) and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    if origin in (Union, types.UnionType):
        for member in get_args(tp):
            if _tag_of(member) == part:
                return member
    return None


def type_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> Any:
    tp: Any = root
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return None
    return _strip(tp)


HOLDOUT_HINT = (
    "only an email that merely invites can be held out (a newsletter issue, birthday,"
    " holidays, win_back); one that tells customers what they need to know goes to everyone"
)


def _keys_of(tp: Any) -> list[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []


def _explain(error: ErrorDetails, root: type[BaseModel]) -> tuple[str, str]:
    kind = error["type"]
    loc = tuple(error["loc"])
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    given = error.get("input")
    got = describe(given)
    if kind == "missing":
        return f"missing required key '{loc[-1]}'", f"add `{loc[-1]}:` here"
    if kind == "extra_forbidden":
        valid = _keys_of(type_at(root, loc[:-1]))
        if loc[-1] == "holdout":
            return f"unknown key '{loc[-1]}'", HOLDOUT_HINT
        hint = closest(str(loc[-1]), valid) or (
            f"the keys allowed here are: {', '.join(valid)}" if valid else ""
        )
        return f"unknown key '{loc[-1]}'", hint
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in str(expected).replace(" or ", ", ").split(",")]
        hint = closest(str(given), choices) or f"use one of: {', '.join(choices)}"
        return f"{got} is not one of {expected}", hint
    if kind == "union_tag_invalid":
        tags = union_tags(type_at(root, loc))
        return (
            f"unknown {ctx.get('discriminator', 'type').strip(chr(39))} {describe(ctx.get('tag'))}",
            closest(str(ctx.get("tag")), tags) or f"use one of: {', '.join(tags)}",
        )
    if kind == "union_tag_not_found":
        tags = union_tags(type_at(root, loc))
        return "missing required key 'type'", f"add `type:` with one of: {', '.join(tags)}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        what, hint = _PATTERN_WORDS.get(pattern, ("a valid value", ""))
        if pattern == CURRENCY_PATTERN and isinstance(given, str):
            hint = meant_currency_hint(given) or hint  # `euro`, `leva`, `dram`
        if pattern == LANGUAGE_PATTERN and isinstance(given, str):
            hint = language_hint(given)  # `English`, `EN`
        return f"expected {what}, got {got}", hint
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {got}", "write digits only, e.g. `30`"
    if kind in ("decimal_type", "decimal_parsing", "finite_number"):
        return (
            f"expected an amount, got {got}",
            "write a plain number such as `2500` or `2500.50`, without spaces or currency signs",
        )
    if kind in ("greater_than", "greater_than_equal"):
        limit = ctx.get("gt", ctx.get("ge"))
        word = "greater than" if kind == "greater_than" else "at least"
        if kind == "greater_than_equal" and str(limit) == "0":
            return f"must not be negative, got {got}", "use 0 or a positive number"
        return f"must be {word} {limit}, got {got}", ""
    if kind in ("less_than", "less_than_equal"):
        return f"must be at most {ctx.get('lt', ctx.get('le'))}, got {got}", ""
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got}", "write `true` or `false`"
    if kind in ("string_type",):
        return f"expected text, got {got}", "quote the text if it looks like a number or a date"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {got}", "write one item per line, each starting with `- `"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (
            f"expected a mapping of keys and values, got {got}",
            "indent the keys under this one by two spaces",
        )
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)", ""
    if kind == "string_too_short":
        return "must not be empty", ""
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return f"expected a date and time, got {got}", "e.g. `2026-12-01 10:00` or with `+03:00`"
    message = str(error["msg"])
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return message[:1].lower() + message[1:], str(ctx.get("hint", ""))


def _problem(document: Document, error: ErrorDetails, root: type[BaseModel]) -> Problem:
    loc = tuple(error["loc"])
    path = data_path(document.data, loc)
    message, hint = _explain(error, root)
    source = document.source
    if error["type"] == "extra_forbidden":
        return source.problem(path, message, hint, at_key=True)
    if error["type"] == "missing":
        return replace(source.problem(path[:-1], message, hint), path=path)
    return source.problem(path, message, hint)


def validate(model: type[M], document: Document) -> tuple[M | None, list[Problem]]:
    """The model made from `document`, or the problems that prevent it."""
    if document.data is None:
        problem = document.source.problem(
            (), "the file is empty", "see the example in `stampbook init`"
        )
        return None, [problem]
    try:
        return model.model_validate(document.data), []
    except ValidationError as failure:
        problems = [_problem(document, error, model) for error in failure.errors()]
        return None, _without_typo_twins(problems)


def _without_typo_twins(problems: list[Problem]) -> list[Problem]:
    """A misspelt key is both unknown and missing; report it once, as the typo."""
    meant = {
        (*problem.path[:-1], problem.hint.split("'")[1])
        for problem in problems
        if problem.message.startswith("unknown key") and problem.hint.startswith("did you mean")
    }
    return [
        problem
        for problem in problems
        if not (problem.message.startswith("missing required key") and problem.path in meant)
    ]
