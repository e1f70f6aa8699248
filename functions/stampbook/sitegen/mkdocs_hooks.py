"""MkDocs hooks: one build per locale, its pages generated from `campaigns/`.

MkDocs loads this file by path (`hooks:` in mkdocs.yml) and does not reload
it on `mkdocs serve`, so it only reads settings and hands over to the
package. Settings, environment first:

- `STAMPBOOK_SITE_LOCALE` (else the programme's default locale): the build's
  language; the default locale goes to `site_dir`, another to `site_dir/<locale>/`;
- `STAMPBOOK_CAMPAIGNS` (else `extra.campaigns`, relative to mkdocs.yml);
- `STAMPBOOK_API_URL` (else `extra.api_url`): where the forms send;
- `STAMPBOOK_SITE_URL` (else program.yaml's `site_url`): where the site is served;
- `STAMPBOOK_NOW`: the moment the archive is built for (else the clock);
- `STAMPBOOK_SITE_SENT`: a folder `archive.export_sent` wrote, the issues the
  customer file says were sent (else the archive goes by the calendar).
"""

from __future__ import annotations

import os
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from stampbook.sitegen.settings import SiteSettings, configure

_generated: dict[str, Any] = {}


# Before every plugin, so Material's search sees the build's language.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = SiteSettings.read(config, os.environ)
    _generated["files"] = configure(config, settings)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated = _generated["files"]
    for path, content in {**generated.pages, **generated.files}.items():
        files.append(File.generated(config, path, content=content))
    return files
