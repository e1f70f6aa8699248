"""The owner's programme: typed models of `campaigns/` and their loading. Pure."""

from .issues import Issue, ProgrammeInvalid
from .loader import Programme, load_programme, rules_version

__all__ = ["Issue", "Programme", "ProgrammeInvalid", "load_programme", "rules_version"]
