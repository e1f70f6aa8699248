"""What is wrong with the owner's files, said so the owner can fix it.

Every problem found in `campaigns/` becomes one `Problem` that names the file,
the line and column, the key path, what was expected and, when we can guess
it, a hint. Loading collects all of them before giving up, so the owner fixes
everything in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    """`('loyalty', 'tiers', 0, 'id')` -> `loyalty.tiers[0].id`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top level)"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    column: int
    path: KeyPath
    message: str
    hint: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        text = f"{self.where}: {format_key_path(self.path)}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_key_path(self.path),
            "message": self.message,
            "hint": self.hint,
        }


class ProgrammeInvalid(Exception):
    """The owner's files cannot be used as they are; `problems` says why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda i: (i.file, i.line, i.column)))
        super().__init__("\n".join(str(problem) for problem in self.problems))
