"""A real headless Chromium (the Debian package), driven by Playwright, reaching nothing outside.

Every request that is not to 127.0.0.1 or a file is refused, so a test can
never depend on, or leak to, the network; what was refused is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.support.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "build" / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class LocalPage:
    """A page in its own context that only reaches local files and 127.0.0.1."""

    def __init__(self, browser: Browser, width: int, height: int = 800) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page: Page = self.context.new_page()
        self.refused: list[str] = []
        self.page.route("**/*", self._guard)

    def _guard(self, route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[int], LocalPage]]:
    """Open a guarded page `width` pixels wide; closed after the test."""
    opened: list[LocalPage] = []

    def open_one(width: int) -> LocalPage:
        opened.append(LocalPage(browser, width))
        return opened[-1]

    yield open_one
    for each in opened:
        each.close()
