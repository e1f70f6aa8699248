"""Where the repository's parts are, so that a test reads the same wherever its file sits."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "campaigns"  # the example programme, as the owner starts from it
FUNCTIONS = ROOT / "functions"
PACKAGE = FUNCTIONS / "stampbook"
NODE_MODULES = ROOT / "node_modules"  # the npm packages the tests run (package.json)
FIXTURE = Path(__file__).resolve().parent / "programme"  # a small programme, in bg and en
# A flower shop in Yerevan: drams in whole units, Armenian and Russian, Armenia's holidays.
FLORIST = Path(__file__).resolve().parent / "florist"
SITE_CONFIG = PACKAGE / "sitegen" / "mkdocs.yml"  # the customer site's configuration
TEMPLATES = PACKAGE / "templates"  # Stampbook's own templates and words
