"""Email addresses and mailboxes, checked before they reach a header or a server."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .encoding import name_and_address, one_line, phrase

# The common case, checked in one step: an ASCII dot-atom local part and an
# ASCII host name.
_PLAIN = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class AddressError(ValueError):
    """An email address that cannot be used."""


def email_address(text: str) -> str:
    """The address as it goes on the wire: checked, an international domain in IDNA form.

    `anna@кофе.рф` becomes `anna@xn--e1ajmy.xn--p1ai`. Local parts must be ASCII:
    mail to non-ASCII local parts needs SMTPUTF8, which we do not rely on.
    """
    if _PLAIN.fullmatch(text) and len(text) <= 254:
        return text
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise AddressError(f"{text!r} is not an email address")
    if not _LOCAL.fullmatch(local) or len(local) > 64:
        raise AddressError(f"{text!r}: the part before @ is not a plain address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressError(f"{text!r}: {domain!r} is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise AddressError(f"{text!r}: {domain!r} is not a valid domain name")
    address = f"{local}@{ascii_domain}"
    if len(address) > 254:
        raise AddressError(f"{text!r} is longer than 254 characters")
    return address


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A name and an address: `Медная турка <news@coppercezve.example>`."""

    address: str
    name: str = ""

    def __post_init__(self) -> None:
        # Checked and cleaned on the way in, so no mailbox can carry a line break.
        object.__setattr__(self, "address", email_address(self.address))
        object.__setattr__(self, "name", one_line(self.name))

    def header(self) -> bytes:
        if not self.name:
            return self.address.encode()
        return name_and_address(phrase(self.name), self.address.encode())
