"""Build the site in every language of the programme, in this process: each
language's whole source is written out first, then MkDocs builds it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from .programmes import site_programme
from .settings import SiteSettings
from .source import write_source

# The site's configuration, inside the package with its assets and theme.
SITE_CONFIG = Path(__file__).resolve().parent / "mkdocs.yml"
# Material prints an advertisement on every build without it.
_QUIET = {"NO_MKDOCS_2_WARNING": "1"}


@dataclass(frozen=True)
class BuiltLocale:
    locale: str
    folder: Path
    seconds: float = 0.0  # the locale's MkDocs build, wall time
    cpu_seconds: float = 0.0  # and this process's CPU time in it (steadier on a busy machine)


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build_site(
    config_file: Path = SITE_CONFIG,
    campaigns: Path | None = None,
    api_url: str | None = None,
    strict: bool = True,
    site_dir: Path | None = None,
    sent: Path | None = None,
    source_dir: Path | None = None,
) -> list[BuiltLocale]:
    """Write each language's source (`source.write_source`), then build it.

    `campaigns`: the programme (default: the example beside the repository's
    configuration, `extra.campaigns`); `site_dir`: the output (default: the
    configuration's); `sent`: a folder `archive.export_sent` wrote, without
    which the archive goes by the calendar; `source_dir`: where the sources
    go (default: beside the output, `<site_dir>-source`).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    base = yaml.safe_load(config_file.read_text("utf-8"))
    here = config_file.resolve().parent
    campaigns = (campaigns or here / base["extra"]["campaigns"]).resolve()
    site_dir = (site_dir or here / base["site_dir"]).resolve()
    source_dir = source_dir or site_dir.parent / f"{site_dir.name}-source"
    api_url = api_url or os.environ.get("STAMPBOOK_API_URL") or base["extra"]["api_url"]
    settings = SiteSettings.read(os.environ, campaigns, api_url, sent)
    programme = site_programme(campaigns)
    locales = programme.programme_file.locales
    # The default language first: its build cleans the whole output folder, and
    # each other language then fills only its own sub-folder.
    ordered = [locales.default, *(code for code in locales.available if code != locales.default)]
    built = []
    with _environment(_QUIET):
        for locale in ordered:
            start, cpu = time.perf_counter(), time.process_time()
            written = write_source(config_file, settings, locale, source_dir / locale, site_dir)
            config = load_config(str(written), strict=strict)
            build(config)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            built.append(BuiltLocale(locale, Path(config["site_dir"]), seconds, cpu))
    return built
