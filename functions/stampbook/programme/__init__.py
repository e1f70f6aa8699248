"""The owner's programme: typed models of `campaigns/` and their loading. Pure.

The loader (YAML, cross-references, explanations) is imported on first use:
code that only needs the rule models, such as the engine behind a Lambda
request, does not pay for reading YAML at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .problems import Problem, ProgrammeInvalid

if TYPE_CHECKING:
    from .loader import Programme, load_programme, rules_version

__all__ = ["Problem", "Programme", "ProgrammeInvalid", "load_programme", "rules_version"]

_FROM_LOADER = frozenset({"Programme", "load_programme", "rules_version"})


def __getattr__(name: str) -> Any:
    if name in _FROM_LOADER:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
