"""Everything generated for one locale's build: pages, static files, navigation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..programme import Programme
from ..programme.brand import logo_file
from . import forms
from .archive import FEED, atom_feed, framed, issue_page, listing_pages, web_versions
from .brand import BRAND_CSS, brand_css
from .home import home_page
from .privacy import privacy_page
from .terms import rewards_page, terms_page
from .words import owner_text, site_words

# The global navigation: what a customer looks for. The pages opened from an
# email link (confirm, preferences, unsubscribe, feedback) and the archive's
# issues stay out of it.
NAV = (
    ("nav.home", "index.md"),
    ("nav.terms", "terms.md"),
    ("nav.rewards", "rewards.md"),
    ("nav.newsletters", "newsletters/index.md"),
    ("nav.signup", "signup.md"),
    ("nav.points", "points.md"),
    ("nav.tell_us", "tell-us.md"),
    ("nav.privacy", "privacy.md"),
)


@dataclass(frozen=True)
class SiteFiles:
    """Markdown pages and static files by path inside the docs folder, and the nav."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, str | bytes] = field(default_factory=dict)
    nav: list[dict[str, str]] = field(default_factory=list)


def site_files(
    programme: Programme, locale: str, api_url: str, now: datetime, sent: Path | None = None
) -> SiteFiles:
    words = site_words(programme, locale)
    site_url = programme.programme_file.site_url_of(locale)
    business = owner_text(programme, programme.programme_file.business.name, locale)
    issues = web_versions(programme, locale, words, site_url, now, sent)
    pages = {
        "index.md": home_page(programme, locale, words, issues[0] if issues else None),
        "terms.md": terms_page(programme, locale, words),
        "rewards.md": rewards_page(programme, locale, words),
        "privacy.md": privacy_page(programme, locale, words),
        "signup.md": forms.signup_page(programme, locale, words, api_url),
        "confirm.md": forms.confirm_page(words, api_url),
        "points.md": forms.points_page(
            locale, words, api_url, certificates=bool(programme.programme_file.loyalty.certificates)
        ),
        "preferences.md": forms.preferences_page(programme, locale, words, api_url),
        "unsubscribe.md": forms.unsubscribe_page(words, api_url),
        "feedback.md": forms.feedback_page(words, api_url),
        "tell-us.md": forms.site_feedback_page(words, api_url),
        **dict(listing_pages(issues, words)),
        **{issue.page: issue_page(issue, words) for issue in issues},
    }
    files: dict[str, str | bytes] = {issue.email: framed(issue.html) for issue in issues}
    files[FEED] = atom_feed(issues, f"{business} — {words('nav.newsletters')}", site_url, now)
    files[BRAND_CSS] = brand_css(programme.programme_file.brand)
    logo = logo_file(programme.programme_file, programme.root)
    if logo is not None and programme.programme_file.business.logo:
        files[programme.programme_file.business.logo] = logo.read_bytes()
    nav = [{words(title): path} for title, path in NAV]
    return SiteFiles(pages, files, nav)
