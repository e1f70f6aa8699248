"""What one locale's build needs, and the builder's configuration for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import SettingsError, fixed_now
from ..programme import Programme
from ..programme.brand import logo_file
from .pages import SiteFiles, site_files
from .programmes import site_programme
from .words import site_words


class SiteSettingsError(ValueError):
    """The site cannot be built with these settings."""


@dataclass(frozen=True)
class SiteSettings:
    campaigns: Path
    locale: str | None
    api_url: str
    now: datetime
    # Where this build is served, instead of program.yaml's `site_url` (a local run).
    site_url: str | None = None
    # What the customer file says was sent (`archive.export_sent`); else the calendar.
    sent: Path | None = None

    @classmethod
    def read(
        cls,
        env: Mapping[str, str],
        campaigns: Path,
        api_url: str,
        sent: Path | None = None,
    ) -> SiteSettings:
        """The build's settings: the arguments, and the moment and address from `env`."""
        try:
            now = fixed_now(env.get("STAMPBOOK_NOW")) or datetime.now(UTC)
        except SettingsError as error:
            raise SiteSettingsError(str(error)) from error
        return cls(
            campaigns=campaigns,
            locale=None,
            api_url=api_url.rstrip("/") + "/",
            now=now,
            site_url=env.get("STAMPBOOK_SITE_URL") or None,
            sent=sent,
        )


def alternates(programme: Programme, locale: str) -> list[dict[str, str]]:
    """Material's language switcher: each language's root, relative to this
    build's root (`link`), as a path (`path`, for the 404 page, which is served
    at any depth) and as an address (`href`, for search engines). The theme
    adds the page's own path, so the switcher keeps the reader on the page."""
    programme_file = programme.programme_file
    locales = programme_file.locales
    here = "" if locale == locales.default else "../"
    names = {code: _language_name(code) for code in locales.available}
    return [
        {
            "name": names[code],
            "lang": code,
            "link": here if code == locales.default else f"{here}{code}/",
            "path": urlsplit(programme_file.site_url_of(code)).path,
            "href": programme_file.site_url_of(code),
        }
        for code in locales.available
    ]


def _language_name(code: str) -> str:
    from babel import Locale

    return str(Locale.parse(code).get_display_name(code)).capitalize()


def configure(config: Any, settings: SiteSettings) -> SiteFiles:
    """Point the builder's configuration (a mapping, as mkdocs.yml reads) at one
    locale and return the files generated for it."""
    programme = site_programme(settings.campaigns)
    if settings.site_url:
        programme = programme.served_at(settings.site_url)
    locales = programme.programme_file.locales
    locale = settings.locale or locales.default
    if locale not in locales.available:
        raise SiteSettingsError(
            f"locale {locale!r} is not in program.yaml; available: {', '.join(locales.available)}"
        )
    if locale != locales.default:
        config["site_dir"] = str(Path(config["site_dir"]) / locale)
    config["site_url"] = programme.programme_file.site_url_of(locale)
    config["site_name"] = programme.programme_file.business.name.get(locale, locales.default)
    config["theme"]["language"] = locale
    config["extra"]["alternate"] = alternates(programme, locale)
    logo = programme.programme_file.business.logo
    if logo_file(programme.programme_file, programme.root) is not None and logo:
        # Published with the pages (sitegen.pages): the header's logo and the tab's icon.
        config["theme"]["logo"] = logo
        config["theme"]["favicon"] = logo
    words = site_words(programme, locale)
    config["extra"]["not_found"] = {
        key: words(f"not_found.{key}") for key in ("title", "text", "home")
    }
    config["extra"]["home_path"] = urlsplit(programme.programme_file.site_url_of(locale)).path
    generated = site_files(programme, locale, settings.api_url, settings.now, settings.sent)
    config["nav"] = generated.nav
    return generated
