"""The central customer file: one record per customer."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class CustomerRange:
    """The customers whose ids run from `first` up to, not including, `stop`, in the
    store's order of ids; None leaves that end open. The nightly run's shards are
    such runs of the customer file, cut where the schedule found it."""

    first: str | None = None
    stop: str | None = None

    def __contains__(self, customer_id: object) -> bool:
        return (
            isinstance(customer_id, str)
            and (self.first is None or customer_id >= self.first)
            and (self.stop is None or customer_id < self.stop)
        )


EVERYONE = CustomerRange()


class InvalidEmail(ValueError):
    """Not an address we could ever deliver to."""


# The one rule for an address, used wherever one comes in (the API, the CSV
# files, the command line) and by the mailer: what is accepted here can be sent.
# The local part is an ASCII dot-atom (non-ASCII local parts need SMTPUTF8,
# which we do not rely on); the domain is checked and converted with IDNA 2008
# and UTS #46 (Python's built-in "idna" codec applies the 2003 rules, which
# turn `straße.de` into another domain, `strasse.de`).
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# ASCII labels without `--` in third and fourth place (an `xn--` label is
# punycode, checked by the IDNA rules): UTS #46 would only lowercase them.
_PLAIN_DOMAIN = re.compile(
    r"(?:(?![a-z0-9]{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)


def ascii_address(raw: str) -> str:
    """`raw` as it goes on the wire: trimmed, the domain in its ASCII (IDNA) form."""
    text = raw.strip()
    local, at, domain = text.rpartition("@")
    if not at or len(local) > 64 or not _LOCAL.fullmatch(local):
        raise InvalidEmail(f"{raw!r} is not an email address")
    ascii_domain = domain.lower()
    if not _PLAIN_DOMAIN.fullmatch(ascii_domain):  # the common case needs no tables
        import idna

        try:
            ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise InvalidEmail(f"{raw!r} has an invalid domain") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidEmail(f"{raw!r} has an invalid domain")
    address = f"{local}@{ascii_domain}"
    if len(address) > 254:
        raise InvalidEmail(f"{raw!r} is longer than 254 characters")
    return address


def normalise_email(raw: str) -> str:
    """One spelling per mailbox: `ascii_address`, lowercase.

    Lowercasing the local part is not what RFC 5321 promises, but it is what
    every large mailbox provider does, and two records for `Anna@` and
    `anna@` would split one customer's history in two.
    """
    return ascii_address(raw).lower()


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
    # Whose referral code was given at sign-up (their customer id): it becomes
    # `referred_by` only when this address is confirmed.
    invited_by: str | None = None
