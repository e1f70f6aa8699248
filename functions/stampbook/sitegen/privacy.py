"""The privacy page, generated from what the programme actually stores.

Every field of the customer record must have a plain description in the
site's words (`privacy.fields.<field>`): a field added to the record without
one stops the site build, so the page can never forget what is kept.
"""

from __future__ import annotations

from dataclasses import fields

from ..mail.strings import Strings
from ..programme import Programme
from ..records.customers import Customer
from .markdown import cell, heading, table
from .words import owner_text

# Kept beside the record, each a separate part of the customer file.
RECORDS_BESIDE = ("ledger", "consent", "mail", "automatic", "feedback", "site_feedback")


def stored_items() -> list[str]:
    """The keys under `privacy.` that describe one stored item each."""
    return [f"fields.{field.name}" for field in fields(Customer)] + list(RECORDS_BESIDE)


def privacy_page(programme: Programme, locale: str, words: Strings) -> str:
    business = programme.programme_file.business
    rows = [
        [cell(words(f"privacy.{item}.what")), cell(words(f"privacy.{item}.why"))]
        for item in stored_items()
    ]
    parts = [
        heading(1, words("nav.privacy")),
        words("privacy.intro", business=owner_text(programme, business.name, locale)),
        heading(2, words("privacy.stored_title")),
        table([words("privacy.item"), words("privacy.why")], rows),
        *_consents(words),
        heading(2, words("privacy.keep_title")),
        words("privacy.keep"),
        heading(2, words("privacy.rights_title")),
        words(
            "privacy.rights",
            email=f"[{business.contact_email}](mailto:{business.contact_email})",
            legal_name=cell(business.legal_name),
        ),
    ]
    return "\n\n".join(parts) + "\n"


def _consents(words: Strings) -> list[str]:
    """Which emails need the newsletter consent and which go to every member: from the
    very table the mailer decides by."""
    from ..mail.render import EMAILS

    def named(kinds: list[str]) -> str:
        return ", ".join(words(f"privacy_consents.email.{kind}") for kind in kinds)

    marketing = [name for name, email in EMAILS.items() if email.marketing] + ["newsletter"]
    account = [name for name, email in EMAILS.items() if not email.marketing]
    return [
        heading(2, words("privacy_consents.consents_title")),
        words("privacy_consents.consents"),
        "- " + words("privacy_consents.marketing", emails=named(marketing)),
        "- " + words("privacy_consents.account", emails=named(account)),
    ]
