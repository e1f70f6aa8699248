"""Load the owner's whole programme from a `campaigns/` folder.

    campaigns/program.yaml          the business and the loyalty rules
    campaigns/automations.yaml      automatic emails (optional)
    campaigns/newsletters/*.yaml    one newsletter issue per file

Everything is read and checked before anything is returned; all problems
come back together in one `ProgrammeInvalid`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from .automations import Automations
from .brand import check_brand
from .business import ProgrammeFile
from .crossref import check_automations, check_newsletter, check_programme_file
from .declared import Declared
from .explain import validate
from .newsletter import Newsletter
from .problems import Problem, ProgrammeInvalid
from .text import LocalizedText
from .yamlsource import SourceMap, read_yaml

PROGRAM_FILE = "program.yaml"
AUTOMATIONS_FILE = "automations.yaml"
NEWSLETTERS_DIR = "newsletters"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Programme:
    """The owner's files, loaded and checked."""

    root: Path
    programme_file: ProgrammeFile
    automations: Automations
    newsletters: tuple[Newsletter, ...] = field(default=())
    # Where each owner's text was written, so that a text that cannot be
    # filled in is reported at its line: AUTOMATIONS_FILE, or a newsletter's slug.
    sources: dict[str, SourceMap] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def rules_version(self) -> str:
        return rules_version(self.programme_file)

    def newsletter(self, slug: str) -> Newsletter | None:
        return next((n for n in self.newsletters if n.slug == slug), None)

    def served_at(self, site_url: str) -> Programme:
        """The same programme with its site elsewhere: a local run links to itself.

        program.yaml keeps the public address; pages and email links of a run
        on 127.0.0.1 must point at that machine instead.
        """
        business = self.programme_file.business.model_copy(update={"site_url": site_url})
        return replace(
            self, programme_file=self.programme_file.model_copy(update={"business": business})
        )


def rules_version(programme_file: ProgrammeFile) -> str:
    """A stable short hash of what the engine executes: currency, loyalty, rewards.

    Every ledger entry records it, so a balance can always be explained by
    the rules that were in force. Editing texts of the business or of
    newsletters does not change it; changing a number in the rules does.
    """
    executed = programme_file.model_dump(include={"currency", "loyalty", "rewards"})
    canonical = json.dumps(
        executed, default=_canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _canonical(value: object) -> object:
    # 50, 50.0 and 50.00 are the same money and must hash the same.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, LocalizedText):
        return value.raw()
    raise TypeError(f"cannot hash {type(value).__name__}")


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def load_programme(root: Path, *, today: dt.date | None = None) -> Programme:
    """Read and check `root` (a campaigns folder); raise `ProgrammeInvalid` if unusable.

    `today` (by default the machine's) says which years' holiday calendars
    a greeting's holiday must be found in: this one or the next.
    """
    root = Path(root)
    programme_file_path = root / PROGRAM_FILE
    if not programme_file_path.is_file():
        raise ProgrammeInvalid(
            [
                Problem(
                    _shown(programme_file_path, root),
                    1,
                    1,
                    (),
                    f"no {PROGRAM_FILE} in {root}",
                    "point to your campaigns folder, or create one with `stampbook init DIR`",
                )
            ]
        )
    problems: list[Problem] = []
    programme_file, source, raw = _load(ProgrammeFile, programme_file_path, root, problems)
    if programme_file is not None and source is not None:
        problems += check_programme_file(programme_file, source)
        problems += check_brand(programme_file, source, root)
    # Without a readable program.yaml nothing can be cross-checked; saying
    # "unknown reward" for every reference would only bury the real error.
    declared = Declared.from_data(raw) if isinstance(raw, dict) else None

    sources: dict[str, SourceMap] = {}
    automations = Automations()
    automations_path = root / AUTOMATIONS_FILE
    if automations_path.is_file():
        loaded, source, _ = _load(Automations, automations_path, root, problems)
        if loaded is not None and source is not None and declared is not None:
            problems += check_automations(loaded, declared, source, today or dt.date.today())
            sources[AUTOMATIONS_FILE] = source
        automations = loaded or automations

    newsletters: list[tuple[Newsletter, SourceMap]] = []
    for path in sorted((root / NEWSLETTERS_DIR).glob("*.y*ml")):
        letter, source, _ = _load(Newsletter, path, root, problems)
        if letter is None or source is None:
            continue
        if declared is not None:
            problems += check_newsletter(letter, declared, source)
        newsletters.append((letter, source))
    problems += _unique_slugs(newsletters)

    if problems or programme_file is None:
        raise ProgrammeInvalid(problems)
    sources |= {letter.slug: source for letter, source in newsletters}
    letters = tuple(letter for letter, _ in newsletters)
    return Programme(root, programme_file, automations, letters, sources)


def _load(
    model: type[M], path: Path, root: Path, problems: list[Problem]
) -> tuple[M | None, SourceMap | None, Any]:
    """The model, the file's source map and its raw data; problems go to `problems`."""
    try:
        document = read_yaml(path, _shown(path, root))
    except ProgrammeInvalid as invalid:
        problems.extend(invalid.problems)
        return None, None, None
    problems.extend(document.problems)
    loaded, found = validate(model, document)
    problems.extend(found)
    return loaded, document.source, document.data


def _unique_slugs(newsletters: list[tuple[Newsletter, SourceMap]]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for letter, source in newsletters:
        if letter.slug in first:
            problems.append(
                source.problem(
                    ("slug",),
                    f"slug '{letter.slug}' is already used by {first[letter.slug]}",
                    "each newsletter needs its own slug; it becomes its web address",
                )
            )
        first.setdefault(letter.slug, source.file)
    return problems
