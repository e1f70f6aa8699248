"""The central customer file: one record per customer."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime


class InvalidEmail(ValueError):
    """Not an address we could ever deliver to."""


_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")


def normalise_email(raw: str) -> str:
    """One spelling per mailbox: trimmed, lowercase, the domain in its ASCII form.

    Lowercasing the local part is not what RFC 5321 promises, but it is what
    every large mailbox provider does, and two records for `Anna@` and
    `anna@` would split one customer's history in two.
    """
    text = raw.strip()
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL.match(local) or ".." in local or local.startswith("."):
        raise InvalidEmail(f"{raw!r} is not an email address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise InvalidEmail(f"{raw!r} has an invalid domain") from error
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(labels) or len(ascii_domain) > 253:
        raise InvalidEmail(f"{raw!r} has an invalid domain")
    return f"{local.lower()}@{ascii_domain}"


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to misread: no 0/O, 1/I


def random_code(length: int) -> str:
    """Random characters a customer can read out at the counter or type on a phone."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def new_referral_code() -> str:
    return random_code(8)  # 40 bits


@dataclass(frozen=True)
class Customer:
    customer_id: str
    email: str
    created_at: datetime
    name: str = ""
    locale: str | None = None
    birthday: date | None = None
    birthday_set_at: datetime | None = None
    interests: tuple[str, ...] = ()
    # Buying habits from the sign-up form, e.g. {"brews": "espresso"}.
    habits: dict[str, str] = field(default_factory=dict)
    referral_code: str = ""
    referred_by: str | None = None
    source: str = ""
    tier: str | None = None
