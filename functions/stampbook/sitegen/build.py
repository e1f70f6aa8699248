"""Build the site in every locale of the programme, in this process.

MkDocs builds one locale per run (the hooks read `STAMPBOOK_SITE_LOCALE`).
The default locale is built first: its build cleans the whole output folder,
and each other locale then cleans and fills only its own sub-folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .programmes import site_programme

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
) -> list[BuiltLocale]:
    """`sent`: a folder `archive.export_sent` wrote; without it the archive
    goes by the calendar."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    settings = dict(_QUIET)
    if campaigns is not None:
        settings["STAMPBOOK_CAMPAIGNS"] = str(campaigns.resolve())
    if api_url is not None:
        settings["STAMPBOOK_API_URL"] = api_url
    if sent is not None:
        settings["STAMPBOOK_SITE_SENT"] = str(sent.resolve())
    with _environment(settings):
        config = load_config(str(config_file))
        folder = Path(config_file).resolve().parent
        programme = site_programme(
            Path(os.environ.get("STAMPBOOK_CAMPAIGNS") or folder / config["extra"]["campaigns"])
        )
    locales = programme.programme_file.locales
    ordered = [locales.default, *(code for code in locales.available if code != locales.default)]
    built = []
    for locale in ordered:
        with _environment({**settings, "STAMPBOOK_SITE_LOCALE": locale}):
            overrides = {"site_dir": str(site_dir)} if site_dir is not None else {}
            start, cpu = time.perf_counter(), time.process_time()
            config = load_config(str(config_file), strict=strict, **overrides)
            build(config)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            built.append(BuiltLocale(locale, Path(config["site_dir"]), seconds, cpu))
    return built
