"""The customer-facing website, generated from the owner's `campaigns/`.

`build.build_site` writes each language's whole source (`source.py`, from
`pages.site_files`) and builds it; one build per locale of `program.yaml`.
Nothing generated here is ever committed: the terms, rewards, privacy,
archive and form pages are written fresh from the very objects the engine
executes, so the site cannot promise what the engine does not do.

The package itself imports nothing: the API's points page needs only
`words`, and a Lambda's first request should not pay for the whole site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pages import SiteFiles, site_files

__all__ = ["SiteFiles", "site_files"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import pages

        return getattr(pages, name)
    raise AttributeError(name)
