"""Email addresses and mailboxes, checked before they reach a header or a server."""

from __future__ import annotations

from dataclasses import dataclass

from ..records.customers import InvalidEmail, ascii_address
from .encoding import name_and_address, one_line, phrase


class AddressError(ValueError):
    """An email address that cannot be used."""


def email_address(text: str) -> str:
    """The address as it goes on the wire: checked, an international domain in IDNA form.

    `anna@кофе.рф` becomes `anna@xn--e1ajmy.xn--p1ai`. The rule is the customer
    file's own (`records.customers.ascii_address`), so what was accepted can be sent.
    """
    if text != text.strip():
        raise AddressError(f"{text!r} is not an email address")
    try:
        return ascii_address(text)
    except InvalidEmail as error:
        raise AddressError(str(error)) from None


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
