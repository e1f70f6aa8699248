"""The customer-facing website, generated from the owner's `campaigns/`.

MkDocs hooks (`mkdocs_hooks.py`) call `site_files` once per build; one build
per locale of `program.yaml`. Nothing generated here is ever committed: the
terms, rewards, privacy, archive and form pages are written fresh from the
very objects the engine executes, so the site cannot promise what the engine
does not do.
"""

from __future__ import annotations

from .pages import SiteFiles, site_files

__all__ = ["SiteFiles", "site_files"]
