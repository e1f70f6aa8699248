"""One rule for an address, wherever it comes in: what the customer file accepts can be sent."""

from __future__ import annotations

import pytest

from stampbook.mail.address import AddressError, email_address
from stampbook.records.customers import InvalidEmail, normalise_email
from stampbook.services.limits import mailbox

# Each of these was once stored, then refused by the mailer at send time.
UNSENDABLE = [
    "x.@example.com",
    "a@ex_ample.com",
    "a@-example.com",
    "a@exam!ple.com",
    "a@[127.0.0.1]",
    "a@xn--zz.com",  # not punycode
    "a..b@example.com",
    ".a@example.com",
    "no-at-sign",
    "a@localhost",
    f"{'a' * 65}@example.com",
]


@pytest.mark.parametrize("raw", UNSENDABLE)
def test_what_the_mailer_would_refuse_is_refused_on_the_way_in(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        normalise_email(raw)
    with pytest.raises(AddressError):
        email_address(raw)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Anna@Example.COM", "anna@example.com"),
        ("  boris@example.co.uk ", "boris@example.co.uk"),
        # IDNA 2008: ß is a letter of its own; the 2003 rules made it "strasse", another domain.
        ("anna@straße.de", "anna@xn--strae-oqa.de"),
        ("anna@Кофе.РФ", "anna@xn--e1ajmy.xn--p1ai"),
        ("anna@xn--strae-oqa.de", "anna@xn--strae-oqa.de"),
        ("o'neil+news@example.ie", "o'neil+news@example.ie"),
    ],
)
def test_an_address_is_stored_in_one_spelling_the_mailer_sends_as_is(raw: str, stored: str) -> None:
    assert normalise_email(raw) == stored
    assert email_address(stored) == stored


@pytest.mark.parametrize(
    ("address", "reached"),
    [
        ("victim+1@example.org", "victim@example.org"),
        ("victim@example.org", "victim@example.org"),
        ("v.ic.tim+x@gmail.com", "victim@gmail.com"),
        ("v.ic.tim@example.org", "v.ic.tim@example.org"),  # dots matter elsewhere
        ("+tag@example.org", "+tag@example.org"),
    ],
)
def test_limits_count_the_mailbox_an_address_reaches(address: str, reached: str) -> None:
    assert mailbox(address) == reached
