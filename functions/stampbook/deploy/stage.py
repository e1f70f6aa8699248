"""The names of one deployment (a stage: `dev`, `prod`, ...) on AWS.

Every resource a stage owns carries the stage in its name, so two stages can
live in one account and a consumer declared in `app.py` finds its queue by
the same name `stampbook package` gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STAGE_NAME = re.compile(r"[a-z][a-z0-9-]{0,19}")


class StageError(ValueError):
    """A stage name AWS would refuse in one of the resource names."""


@dataclass(frozen=True)
class Stage:
    name: str

    def __post_init__(self) -> None:
        if not STAGE_NAME.fullmatch(self.name):
            raise StageError(
                f"stage {self.name!r}: use lower-case letters, digits and '-', "
                "starting with a letter, at most 20 characters (e.g. 'prod')"
            )

    @property
    def table(self) -> str:
        return f"stampbook-{self.name}"

    @property
    def send_queue(self) -> str:
        return f"stampbook-{self.name}-sends"

    @property
    def dead_letters(self) -> str:
        return f"stampbook-{self.name}-sends-failed"

    @property
    def configuration_set(self) -> str:
        return f"stampbook-{self.name}"

    @property
    def stack(self) -> str:
        return f"stampbook-{self.name}"
