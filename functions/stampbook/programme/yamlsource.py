"""Read an owner's YAML file into plain data plus a map of where each value is.

Why not `yaml.safe_load`: it forgets positions, so an error found later could
not point at a line. We compose the node tree and build the data ourselves,
remembering the start of every key and value by its key path.

The scalar rules are YAML 1.2's core schema rather than PyYAML's YAML 1.1:
`no`, `on` and `yes` stay strings (Norwegian is `no`), `10:30` is not the
number 630, and dates stay text for the models to parse. Numbers with a
fraction become `Decimal`, never `float`, because they are often money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import KeyPath, Problem, ProgrammeInvalid

_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_DECIMAL = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_MAX_DEPTH = 50


class _ComposeLoader(yaml.SafeLoader):
    """Only composes nodes; scalars are typed by `_scalar` below."""


# libyaml is ~18x faster and gives the same nodes and marks. Its error texts
# differ, so a file that fails is parsed again by the pure-Python loader,
# whose messages `_PLAIN_SYNTAX` translates.
_FastComposeLoader: Any = type(
    "_FastComposeLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {}
)

# Drop every implicit resolver: all plain scalars compose as strings and we
# type them ourselves with the core schema rules above.
_ComposeLoader.yaml_implicit_resolvers = {}
_FastComposeLoader.yaml_implicit_resolvers = {}


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(slots=True)
class SourceMap:
    """Where things are in one file, by key path (1-based lines and columns)."""

    file: str
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)

    def value_at(self, path: KeyPath) -> Position:
        """The position of the value at `path`, or of its closest known parent."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found:
                return found
        return Position(1, 1)

    def key_at(self, path: KeyPath) -> Position:
        return self.keys.get(path) or self.value_at(path)

    def problem(
        self, path: KeyPath, message: str, hint: str = "", *, at_key: bool = False
    ) -> Problem:
        where = self.key_at(path) if at_key else self.value_at(path)
        return Problem(self.file, where.line, where.column, path, message, hint)


@dataclass(frozen=True, slots=True)
class Document:
    data: Any
    source: SourceMap
    # Mistakes that leave the file readable (a key written twice): the data
    # is still checked, so the owner sees them together with everything else.
    problems: tuple[Problem, ...] = ()


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: ScalarNode) -> Any:
    text = node.value
    if node.style:  # quoted or block scalars are always text (plain is None or '')
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _DECIMAL.match(text):
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid forms
            return text
    return text


class _Builder:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        # False once a part of the file could not be built: checking the rest
        # would report keys as missing that the owner did write.
        self.usable = True

    def build(self, node: Node, path: KeyPath) -> Any:
        self.source.values[path] = _position(node)
        if len(path) > _MAX_DEPTH:
            self.problems.append(self.source.problem(path, "nesting is too deep"))
            self.usable = False
            return None
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or (
                key_node.value == "<<" and not key_node.style
            ):
                self._problem(
                    key_node,
                    path,
                    "a key must be a plain word, not a list, a mapping or a merge",
                    "write the key as simple text, e.g. `name:`",
                )
                self.usable = False
                continue
            key = str(key_node.value)
            key_path = (*path, key)
            if key in result:
                # Keep the first and go on: one run shows every other mistake too.
                first = self.source.keys[key_path]
                self._problem(
                    key_node,
                    key_path,
                    f"duplicate key '{key}' (first at line {first.line})",
                    "keep one of them; YAML would silently use only the last one",
                )
                continue
            self.source.keys[key_path] = _position(key_node)
            result[key] = self.build(value_node, key_path)
        return result

    def _problem(self, node: Node, path: KeyPath, message: str, hint: str) -> None:
        where = _position(node)
        self.problems.append(
            Problem(self.source.file, where.line, where.column, path, message, hint)
        )


# PyYAML's parser speaks in tokens ("<block end>"); say what the owner sees.
_PLAIN_SYNTAX = (
    (
        "expected <block end>",
        "this line is indented differently from the lines above it",
        "line keys up under their parent: the same number of spaces for siblings",
    ),
    (
        "mapping values are not allowed here",
        "a ': ' where a plain value was expected",
        "put the text in quotes if it contains ': ', or check the indentation above",
    ),
    ("'\\t'", "a tab character", "indent with spaces, not tabs"),
    (
        "could not find expected ':'",
        "a key without ':' after it",
        "write `key: value`, or quote a text that runs over several lines",
    ),
    (
        "found undefined alias",
        "an alias (*name) with no anchor (&name) before it",
        "define the anchor before using the alias",
    ),
    ("found character", "a character that cannot start a value", "quote the value"),
    (
        "<stream end>",
        "a bracket opened here is never closed",
        "close it on the same line, or put the text in quotes",
    ),
    (
        "found unexpected end of stream",
        "a quote opened here is never closed",
        "end the text with the same quote mark it starts with",
    ),
)


def _syntax_problem(file: str, error: yaml.MarkedYAMLError, text: str = "") -> Problem:
    lines = text.splitlines()
    line, column = 1, 1
    for mark in (error.problem_mark, error.context_mark):
        # A slip found only at the end of the file (an unclosed bracket or
        # quote) is marked past the last line; where the bracket opened
        # (the context) is the place to fix.
        if mark is not None and (mark.line < len(lines) or not lines):
            line, column = mark.line + 1, mark.column + 1
            break
    else:
        if lines:
            line, column = len(lines), len(lines[-1]) + 1
    problem = error.problem or "the YAML cannot be read"
    message, hint = problem, "check the indentation and the quotes around this point"
    for token, plain, advice in _PLAIN_SYNTAX:
        if token in problem:
            message, hint = plain, advice
            break
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    if "{{" in written or "{%" in written:
        # YAML takes `{` for the start of a mapping: a text that fills in a
        # value must be quoted, or it is not a text at all.
        hint = 'put a text with {{ }} in quotes: "Hello, {{ name }}!"'
    return Problem(file, line, column, (), f"YAML syntax: {message}", hint)


def parse_yaml(text: str, file: str) -> Document:
    """Parse one YAML document; raise `ProgrammeInvalid` with located problems if it
    cannot be read, or return it with the problems that leave it readable."""
    source = SourceMap(file)
    try:
        node = yaml.compose(text, Loader=_FastComposeLoader)
    except yaml.YAMLError:
        node = _compose_for_errors(text, file)
    if node is None:
        return Document(None, source)
    builder = _Builder(source)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise ProgrammeInvalid([Problem(file, 1, 1, (), "the YAML nests too deeply")]) from None
    if not builder.usable:
        raise ProgrammeInvalid(builder.problems)
    return Document(data, source, tuple(builder.problems))


def _compose_for_errors(text: str, file: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=_ComposeLoader)
    except yaml.MarkedYAMLError as error:
        raise ProgrammeInvalid([_syntax_problem(file, error, text)]) from None
    except yaml.YAMLError as error:
        raise ProgrammeInvalid([Problem(file, 1, 1, (), f"YAML: {error}")]) from None


def read_yaml(path: Path, shown_as: str) -> Document:
    """Read `path` from disk; `shown_as` is how errors name it (relative path)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ProgrammeInvalid(
            [Problem(shown_as, 1, 1, (), f"not UTF-8 text ({error.reason})", "save it as UTF-8")]
        ) from None
    return parse_yaml(text, shown_as)
