"""The signed links a message carries: which page, which purpose, whose token."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from .tokens import LIFETIMES, Keyring, Purpose

# Each link slot of a draft and what its token allows.
SLOT_PURPOSES: dict[str, Purpose] = {
    "unsubscribe_url": Purpose.UNSUBSCRIBE,
    "preferences_url": Purpose.PREFERENCES,
    "points_url": Purpose.POINTS,
    "confirm_url": Purpose.CONFIRM,
    "feedback_url": Purpose.FEEDBACK,
}

# The site's pages that read the token (`?t=`) and ask before acting: a GET
# never changes anything, since mail scanners follow links.
DEFAULT_PAGES: dict[Purpose, str] = {
    Purpose.UNSUBSCRIBE: "unsubscribe/",
    Purpose.PREFERENCES: "preferences/",
    Purpose.POINTS: "points/",
    Purpose.CONFIRM: "confirm/",
    Purpose.FEEDBACK: "feedback/",
}

_WEB_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")


class LinkSettingsError(ValueError):
    pass


def _on_this_machine(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost")


def web_address(url: str, *, https_only: bool = False) -> str:
    """A base URL safe to put in a header between < and >."""
    if not _WEB_ADDRESS.fullmatch(url):
        raise LinkSettingsError(f"{url!r} is not a plain web address (http(s)://host/path)")
    # A run on this machine (`stampbook serve`) has no mailbox provider to
    # satisfy, and no certificate for 127.0.0.1.
    if https_only and not url.startswith("https://") and not _on_this_machine(url):
        raise LinkSettingsError(f"{url!r}: mailbox providers require https here")
    return url


@dataclass(frozen=True)
class Links:
    keyring: Keyring
    site_url: str  # where the pages live: https://coppercezve.example/
    # Where mailbox providers POST `List-Unsubscribe=One-Click` (RFC 8058): an
    # API endpoint that unsubscribes at once, not a page.
    one_click_url: str | None = None
    pages: Mapping[Purpose, str] = field(default_factory=lambda: dict(DEFAULT_PAGES))
    lifetimes: Mapping[Purpose, timedelta] = field(default_factory=lambda: dict(LIFETIMES))

    def __post_init__(self) -> None:
        web_address(self.site_url)
        if self.one_click_url is not None:
            web_address(self.one_click_url, https_only=True)

    def page(self, purpose: Purpose) -> str:
        """The URL up to the token: `https://site/unsubscribe/?t=`."""
        return f"{self.site_url.rstrip('/')}/{self.pages[purpose]}?t="

    def one_click(self) -> str:
        if self.one_click_url is None:
            raise LinkSettingsError("marketing mail needs a one-click unsubscribe URL")
        return f"{self.one_click_url}?t="

    def lifetime_seconds(self, purpose: Purpose) -> int:
        return int(self.lifetimes[purpose].total_seconds())
