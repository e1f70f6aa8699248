"""Previews of emails as files: what `stampbook preview` writes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..mail.draft import LINK_SLOTS, Draft
from ..mail.locale import reader_locale
from ..mail.problems import TemplateProblem
from ..mail.reader import (
    Reader,
    reader_from_statement,
    sample_occasion,
    sample_reader,
)
from ..mail.render import EMAILS, Renderer
from ..programme import Programme
from ..records.automation_sends import Automation
from ..records.customers import normalise_email
from .loyalty import LoyaltyService


def customer_reader(
    loyalty: LoyaltyService, programme: Programme, email: str, moment: datetime
) -> Reader:
    """The customer `email` as the store knows them at `moment`."""
    customer = loyalty.store.customer_by_email(normalise_email(email))
    if customer is None:
        raise TemplateProblem(f"{email} is not in the customer file")
    statement = loyalty.summary(customer.customer_id)
    return reader_from_statement(customer, statement, programme.programme_file, moment)


def write_previews(
    programme: Programme,
    name: str,
    locales: tuple[str, ...],
    reader: Reader | None,
    out: Path,
    today: date,
) -> list[tuple[Path, Path, str]]:
    """Write NAME in each language; (html file, text file, subject) for each."""
    programme_file = programme.programme_file
    offered = programme_file.locales.available
    unknown = [locale for locale in locales if locale not in offered]
    if unknown:
        raise TemplateProblem(
            f"{', '.join(unknown)} not offered; the programme has {', '.join(offered)}"
        )
    if not locales:
        # A customer is previewed in the language they would get; a sample in all.
        locales = (reader_locale(reader.locale, programme_file),) if reader else offered
    renderer = Renderer(programme)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in locales:
        person = reader or sample_reader(programme_file, locale, today)
        draft, _ = draft_for(renderer, name, locale, person, today)
        values = {**renderer.personal_values(person, locale), **_links(programme)}
        written.append(_write(draft, values, out / f"{name.replace(':', '-')}.{locale}"))
    return written


def draft_for(
    renderer: Renderer, name: str, locale: str, person: Reader, today: date
) -> tuple[Draft, bool]:
    """NAME (an issue slug, an email, or `holiday:ID`) for `person`; and whether it is marketing."""
    programme = renderer.programme
    email, _, greeting = name.partition(":")
    issue = programme.newsletter(name)
    if issue is not None:
        return renderer.newsletter(issue, locale), True
    if email not in EMAILS:
        slugs = ", ".join(n.slug for n in programme.newsletters) or "none"
        raise TemplateProblem(
            f"{name!r} is neither a newsletter ({slugs}) nor an email ({', '.join(EMAILS)})"
        )
    if email == Automation.HOLIDAY and not greeting and programme.automations.holidays:
        greeting = programme.automations.holidays.greetings[0].id
    occasion = sample_occasion(programme.programme_file, greeting or None, today)
    return renderer.email(email, locale, person, occasion), EMAILS[email].marketing


def _links(programme: Programme) -> dict[str, str]:
    """Stand-ins for the signed links, which only the message builder makes."""
    site = programme.programme_file.business.site_url.rstrip("/")
    return {slot: f"{site}/preview/{slot.removesuffix('_url')}" for slot in LINK_SLOTS}


def _write(draft: Draft, values: dict[str, str], stem: Path) -> tuple[Path, Path, str]:
    html, text = stem.with_suffix(stem.suffix + ".html"), stem.with_suffix(stem.suffix + ".txt")
    html.write_text(draft.fill_html(values), encoding="utf-8")
    text.write_text(draft.fill_text(values), encoding="utf-8")
    return html, text, draft.fill_subject(values)
