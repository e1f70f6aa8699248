"""The newsletter archive: listing pages, each issue's web version, an Atom feed.

An issue is in the archive once it is public and its send time has passed.
Issues are not pages of the site's navigation: Material writes the whole
navigation into every page, so a thousand navigation entries would make the
build quadratic. Listing pages (a hundred issues each) link to the web
versions instead, and each web version is the email itself, as the mail's
"view in your browser" link promises.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..mail.draft import Draft
from ..mail.links import DEFAULT_PAGES, SLOT_PURPOSES
from ..mail.reader import PERSONAL_SLOTS
from ..mail.render import Renderer
from ..mail.strings import Strings
from ..programme import Programme
from ..programme.newsletter import Newsletter
from .markdown import cell, heading

PER_PAGE = 100
FEED = "newsletters/feed.xml"
FEED_ENTRIES = 50


@dataclass(frozen=True)
class ArchivedIssue:
    slug: str
    sent_at: datetime
    subject: str
    preheader: str
    html: str  # the web version

    @property
    def path(self) -> str:
        return f"newsletters/{self.slug}/index.html"


def archived(programme: Programme, now: datetime) -> list[Newsletter]:
    """Public issues whose send time has passed, newest first."""
    zone = ZoneInfo(programme.programme_file.business.timezone)
    sent = [
        (_aware(n.send_at, zone), n)
        for n in programme.newsletters
        if n.public and n.send_at is not None and _aware(n.send_at, zone) <= now
    ]
    sent.sort(key=lambda pair: (pair[0], pair[1].slug), reverse=True)
    return [newsletter for _, newsletter in sent]


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def web_versions(
    programme: Programme, locale: str, words: Strings, site_url: str, now: datetime
) -> list[ArchivedIssue]:
    """Each archived issue rendered for no one in particular."""
    renderer = Renderer(programme)
    values = public_values(words, site_url)
    zone = ZoneInfo(programme.programme_file.business.timezone)
    issues = []
    for newsletter in archived(programme, now):
        draft: Draft = renderer.web_version(newsletter, locale)
        assert newsletter.send_at is not None  # archived() keeps only sent issues
        issues.append(
            ArchivedIssue(
                slug=newsletter.slug,
                sent_at=_aware(newsletter.send_at, zone),
                subject=draft.fill_subject(values),
                preheader=draft.fill_preheader(values),
                html=draft.fill_html(values),
            )
        )
    return issues


def public_values(words: Strings, site_url: str) -> dict[str, str]:
    """A web version is read by anyone: no name, no balance, links to the plain pages."""
    values = {slot: words("common.none") for slot in PERSONAL_SLOTS}
    values["name"] = words("common.friend")
    for slot, purpose in SLOT_PURPOSES.items():
        values[slot] = f"{site_url}{DEFAULT_PAGES[purpose]}"
    return values


def listing_path(page: int) -> str:
    return "newsletters/index.md" if page == 1 else f"newsletters/page-{page}.md"


def _listing_url(page: int, here: int) -> str:
    """From listing page `here` to listing page `page` (all live in newsletters/)."""
    up = "" if here == 1 else "../"
    return (up or "./") if page == 1 else f"{up}page-{page}/"


def listing_pages(issues: list[ArchivedIssue], words: Strings) -> Iterator[tuple[str, str]]:
    """(path, markdown) for each listing page, newest issues first."""
    fmt = words.formatter
    pages = max(1, -(-len(issues) // PER_PAGE))
    for page in range(1, pages + 1):
        up = "" if page == 1 else "../"
        chunk = issues[(page - 1) * PER_PAGE : page * PER_PAGE]
        parts = [heading(1, words("nav.newsletters")), words("archive.intro")]
        parts.append(
            f'<a href="{up}feed.xml" type="application/atom+xml">{words("archive.feed")}</a>'
        )
        if chunk:
            parts.append(
                "\n".join(
                    f"- [{cell(issue.subject)}]({up}{issue.slug}/)"
                    f" — {fmt.date(issue.sent_at.date())}"
                    f"<br>{cell(issue.preheader)}"
                    for issue in chunk
                )
            )
        else:
            parts.append(words("archive.none"))
        if pages > 1:
            parts.append(_pager(page, pages, words))
        yield listing_path(page), "\n\n".join(parts) + "\n"


def _pager(page: int, pages: int, words: Strings) -> str:
    links = []
    if page > 1:
        links.append(f"[{words('archive.newer')}]({_listing_url(page - 1, page)})")
    links.append(words("archive.page", page=page, pages=pages))
    if page < pages:
        links.append(f"[{words('archive.older')}]({_listing_url(page + 1, page)})")
    return " · ".join(links)


def atom_feed(issues: list[ArchivedIssue], title: str, site_url: str, now: datetime) -> str:
    """An Atom feed of the newest issues, for feed readers."""
    e = html.escape
    updated = (issues[0].sent_at if issues else now).isoformat()

    def address(issue: ArchivedIssue) -> str:
        return e(f"{site_url}newsletters/{issue.slug}/")

    entries = [
        "  <entry>\n"
        f"    <id>{address(issue)}</id>\n"
        f"    <title>{e(issue.subject)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{address(issue)}"/>\n'
        f"    <updated>{issue.sent_at.isoformat()}</updated>\n"
        f"    <summary>{e(issue.preheader)}</summary>\n"
        "  </entry>\n"
        for issue in issues[:FEED_ENTRIES]
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{e(site_url)}newsletters/</id>\n"
        f"  <title>{e(title)}</title>\n"
        f'  <link rel="self" href="{e(site_url)}{FEED}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{e(site_url)}newsletters/"/>\n'
        f"  <updated>{updated}</updated>\n"
        f"{''.join(entries)}"
        "</feed>\n"
    )
