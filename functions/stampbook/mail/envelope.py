"""From a rendered draft to messages ready for a transport, with the business's own headers.

The sender, the List-Id and the link addresses come from `program.yaml`
and the settings, so every email of one business carries the same ones.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..config import MailSettings
from .address import Mailbox
from .draft import Draft
from .links import Links
from .message import Kind, ListId, PreparedDraft, Sender
from .tokens import LIFETIMES, Keyring, Purpose

if TYPE_CHECKING:  # the models load with the programme, not with this module
    from ..programme.business import ProgrammeFile


def sender_of(programme_file: ProgrammeFile, locale: str | None = None) -> Sender:
    """`Copper Cezve <hello@...>` for an English reader, `Медная турка <hello@...>`
    for a Russian one, with one List-Id (the default language's name) on the
    site's domain: the list is the same whatever the reader's language."""
    business = programme_file.business
    default = programme_file.locales.default
    listed = business.name.get(default) or business.legal_name
    name = business.name.get(locale or default, default) or listed
    domain = urlsplit(business.site_url).hostname or business.contact_email.rpartition("@")[2]
    return Sender(
        mailbox=Mailbox(business.contact_email, name),
        list_id=ListId(f"{listed} news", f"news.{domain}"),
    )


def links_of(
    programme_file: ProgrammeFile, mail: MailSettings, keyring: Keyring, locale: str
) -> Links:
    """Links to the pages in the reader's language; the API has one address for all."""
    api = mail.api_address(programme_file.business.site_url)
    member_page = timedelta(days=programme_file.links.member_page_days)
    return Links(
        keyring,
        site_url=programme_file.site_url_of(locale),
        one_click_url=f"{api}/unsubscribe/one-click",
        lifetimes={**LIFETIMES, Purpose.POINTS: member_page},
    )


def prepare(
    programme_file: ProgrammeFile,
    draft: Draft,
    marketing: bool,
    mail: MailSettings,
    keyring: Keyring,
    locale: str,
) -> PreparedDraft:
    kind = Kind.MARKETING if marketing else Kind.TRANSACTIONAL
    links = links_of(programme_file, mail, keyring, locale)
    return PreparedDraft(draft, sender_of(programme_file, locale), kind, links)
