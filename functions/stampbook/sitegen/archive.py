"""The newsletter archive: listing pages, a page per issue, an Atom feed.

The archive is what was sent: the finished campaigns of public issues, as the
customer file kept their web versions when they finished (`export_sent`
writes them out for the build; `stampbook site build` does so whenever there
is a customer file). Without one (a bare `mkdocs build`), an issue is
archived once it is public and its send time has passed, rendered afresh.

Each issue is a page of the site (its navigation, its languages) showing
the email in a frame, as the reader got it but for no one in particular: no
name, no points, no one's links, an invitation to join instead. Issues are
not entries of the site's navigation: Material writes the whole navigation
into every page, so a thousand entries would make the build quadratic.
Listing pages (a hundred issues each) link to them instead.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..mail import owner_text
from ..mail.draft import Draft
from ..mail.links import DEFAULT_PAGES, SLOT_PURPOSES
from ..mail.reader import PERSONAL_SLOTS
from ..mail.render import Renderer
from ..mail.strings import Strings
from ..programme import Programme
from ..programme.newsletter import Newsletter
from ..store.sends import CampaignState, SendStore
from .markdown import cell, front_matter, heading

PER_PAGE = 100
FEED = "newsletters/feed.xml"
FEED_ENTRIES = 50
# What `export_sent` writes: the list, and `<slug>/<locale>.html` beside it.
SENT_INDEX = "sent.json"


@dataclass(frozen=True)
class ArchivedIssue:
    slug: str
    sent_at: datetime
    subject: str
    preheader: str
    html: str  # the web version, the email itself

    @property
    def page(self) -> str:
        return f"newsletters/{self.slug}/index.md"

    @property
    def email(self) -> str:
        return f"newsletters/{self.slug}/email.html"


def archived(programme: Programme, now: datetime) -> list[Newsletter]:
    """Without a customer file: public issues whose send time has passed, newest first."""
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


def export_sent(sends: SendStore, programme: Programme, folder: Path) -> int:
    """Write the web versions of the finished public issues into `folder` for
    the site's build; return how many. An issue whose file is gone from
    newsletters/, or is no longer public, is left out."""
    locales = programme.programme_file.locales
    entries = []
    for campaign in sends.campaigns():
        newsletter = programme.newsletter(campaign.slug)
        sent_at = campaign.started_at or campaign.finished_at
        if campaign.state is not CampaignState.FINISHED or sent_at is None:
            continue
        if newsletter is None or not newsletter.public:
            continue
        subjects = {}
        for locale in locales.available:
            kept = sends.web_version(campaign.slug, locale)
            if kept is None:  # a language added since it was sent
                continue
            subjects[locale], page = kept
            (folder / campaign.slug).mkdir(parents=True, exist_ok=True)
            (folder / campaign.slug / f"{locale}.html").write_text(page, "utf-8")
        if subjects:
            entries.append(
                {"slug": campaign.slug, "sent_at": sent_at.isoformat(), "subjects": subjects}
            )
    (folder / SENT_INDEX).write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
    return len(entries)


def web_versions(
    programme: Programme,
    locale: str,
    words: Strings,
    site_url: str,
    now: datetime,
    sent: Path | None = None,
) -> list[ArchivedIssue]:
    """The archive's issues in `locale`, newest first: as the customer file kept
    them (`sent`, from `export_sent`), else by the calendar, rendered afresh."""
    if sent is not None:
        return _kept(programme, locale, words, site_url, sent)
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


def _kept(
    programme: Programme, locale: str, words: Strings, site_url: str, folder: Path
) -> list[ArchivedIssue]:
    default = programme.programme_file.locales.default
    values = {
        **public_values(words, site_url),
        "business": programme.programme_file.business.name.get(locale, default),
    }
    zone = ZoneInfo(programme.programme_file.business.timezone)
    issues = []
    for entry in json.loads((folder / SENT_INDEX).read_text("utf-8")):
        slug, subjects = entry["slug"], entry["subjects"]
        newsletter = programme.newsletter(slug)
        if newsletter is None:
            continue
        shown = locale if locale in subjects else default if default in subjects else None
        if shown is None:
            continue
        preheader = newsletter.preheader.get(shown, default)
        issues.append(
            ArchivedIssue(
                slug=slug,
                sent_at=datetime.fromisoformat(entry["sent_at"]).astimezone(zone),
                subject=subjects[shown],
                preheader=owner_text.subject(preheader, values, slug),
                html=(folder / slug / f"{shown}.html").read_text("utf-8"),
            )
        )
    issues.sort(key=lambda issue: (issue.sent_at, issue.slug), reverse=True)
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
                    f"- [{cell(issue.subject)}]({issue.slug}/index.md)"
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


def issue_page(issue: ArchivedIssue, words: Strings) -> str:
    """The issue's page: its subject and date, the email in a frame, the way to join."""
    e = html.escape
    title = e(words("archive.frame_title", subject=issue.subject), quote=True)
    join = e(words("archive.join"))
    return (
        front_matter()
        + "\n\n".join(
            [
                heading(1, issue.subject),
                f'<p class="sb-note">{e(words.formatter.date(issue.sent_at.date()))}</p>',
                # Sandboxed: the email runs no script; its links open in the whole window.
                f'<iframe class="sb-issue" src="email.html" title="{title}" '
                'sandbox="allow-same-origin allow-popups allow-top-navigation-by-user-activation">'
                "</iframe>",
                f'<p class="sb-actions"><a class="md-button md-button--primary" '
                f'href="../../signup/">{join}</a></p>',
                f"[{words('archive.all')}](../index.md)",
            ]
        )
        + "\n"
    )


def framed(page: str) -> str:
    """The email as the frame shows it: its links leave the frame for the whole window."""
    return page.replace("<head>", '<head><base target="_top">', 1)


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
