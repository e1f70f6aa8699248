"""Who an email is for, and what it says about them.

A `Reader` is the personal part of an email: name, points, tier, expiring
points, certificates. An `Occasion` is what a one-off email is about: the
points a purchase earned, the certificate just issued, the holiday. Both are
plain data; `personal_values` turns a reader into the texts that fill a
compiled newsletter's slots, formatted for the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from ..records.customers import Customer
from .strings import Strings

if TYPE_CHECKING:  # the models load with the programme, not with this module
    from ..programme.business import ProgrammeFile

# The personal values a newsletter may show; each becomes a slot.
PERSONAL_SLOTS = (
    "name",
    "points",
    "pending_points",
    "tier",
    "expiring_points",
    "expires_on",
    "expiry",  # "120 points on 1 March", or a dash
    "certificates",  # "2 500,00 ₽, code ABCD-…, valid until …", or a dash
)

SAMPLE_NAMES = {"en": "Alex", "ru": "Анна", "bg": "Мария", "hy": "Անի"}


class CertificateFigures(Protocol):
    """A certificate the customer can still use, as their figures list it."""

    @property
    def code(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def expires_at(self) -> datetime: ...


class Figures(Protocol):
    """Where a customer stands, as the loyalty service tells it (its summary, or its
    statement): what an email shows of them."""

    @property
    def available(self) -> int: ...
    @property
    def pending(self) -> int: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def expires_at(self) -> datetime | None: ...  # of the available points
    @property
    def certificates(self) -> Sequence[CertificateFigures]: ...


@dataclass(frozen=True, slots=True)
class CertificateNote:
    value: Decimal
    code: str
    expires_on: date


@dataclass(frozen=True)
class Reader:
    email: str
    name: str = ""
    locale: str | None = None
    points: int = 0  # available now
    pending_points: int = 0
    tier: str | None = None  # a tier id of the programme
    expiring_points: int = 0  # inside the warning window before expiry
    expires_on: date | None = None
    certificates: tuple[CertificateNote, ...] = ()


@dataclass(frozen=True)
class Occasion:
    """What a one-off email is about; only the fields its email needs are set."""

    points_earned: int | None = None
    available_on: date | None = None
    certificate: CertificateNote | None = None
    bonus_points: int | None = None
    greeting: str | None = None  # a holiday greeting id from automations.yaml


def tier_name(programme_file: ProgrammeFile, tier: str | None, locale: str) -> str | None:
    levels = programme_file.loyalty.tiers.levels if programme_file.loyalty.tiers else ()
    found = next((level for level in levels if level.id == tier), None)
    return found.name.get(locale, programme_file.locales.default) if found else None


def personal_values(
    reader: Reader, words: Strings, programme_file: ProgrammeFile
) -> dict[str, str]:
    """The texts for `PERSONAL_SLOTS`, in the language of `words`."""
    fmt = words.formatter
    none = words("common.none")
    expiry = none
    if reader.expiring_points > 0 and reader.expires_on is not None:
        points, day = words.points(reader.expiring_points), fmt.date(reader.expires_on)
        expiry = words("summary.expiry", points=points, date=day)
    certificates = "; ".join(
        words(
            "summary.certificate",
            value=fmt.money(note.value),
            code=note.code,
            date=fmt.date(note.expires_on),
        )
        for note in reader.certificates
    )
    return {
        "name": reader.name.strip() or words("common.friend"),
        "points": fmt.number(reader.points),
        "pending_points": fmt.number(reader.pending_points),
        "tier": tier_name(programme_file, reader.tier, fmt.locale) or none,
        "expiring_points": fmt.number(reader.expiring_points),
        "expires_on": fmt.date(reader.expires_on) if reader.expires_on else none,
        "expiry": expiry,
        "certificates": certificates or none,
    }


def reader_from_statement(
    customer: Customer, statement: Figures, programme_file: ProgrammeFile, now: datetime
) -> Reader:
    """A customer from the store, as `LoyaltyService.statement` describes them at `now`."""
    zone = now.tzinfo
    expiring, expires_on = 0, None
    rule = programme_file.loyalty.expiry
    deadline = statement.expires_at
    if (
        deadline is not None
        and rule is not None
        and deadline - timedelta(days=rule.warn_days_before) <= now < deadline
    ):
        expiring, expires_on = statement.available, deadline.astimezone(zone).date()
    return Reader(
        email=customer.email,
        name=customer.name,
        locale=customer.locale,
        points=statement.available,
        pending_points=statement.pending,
        tier=statement.tier or customer.tier,
        expiring_points=expiring,
        expires_on=expires_on,
        certificates=tuple(
            CertificateNote(c.value, c.code, c.expires_at.astimezone(zone).date())
            for c in statement.certificates
        ),
    )


def sample_reader(programme_file: ProgrammeFile, locale: str, today: date) -> Reader:
    """Someone to preview an email with: a bit of everything an email can show."""
    tiers = programme_file.loyalty.tiers.levels if programme_file.loyalty.tiers else ()
    return Reader(
        email="reader@example.com",
        name=SAMPLE_NAMES.get(locale.split("_")[0], "Alex"),
        locale=locale,
        points=1250,
        pending_points=150,
        tier=tiers[min(1, len(tiers) - 1)].id if tiers else None,
        expiring_points=320,
        expires_on=today + timedelta(days=21),
        certificates=(_sample_certificate(programme_file, today),),
    )


def sample_occasion(programme_file: ProgrammeFile, greeting: str | None, today: date) -> Occasion:
    pending = programme_file.loyalty.pending.days
    birthday = programme_file.loyalty.birthday
    return Occasion(
        points_earned=75,
        available_on=today + timedelta(days=pending),
        certificate=_sample_certificate(programme_file, today),
        bonus_points=birthday.points if birthday else None,
        greeting=greeting,
    )


def _sample_certificate(programme_file: ProgrammeFile, today: date) -> CertificateNote:
    rules = programme_file.loyalty.certificates
    value = rules[0].value if rules else Decimal(1000)
    days = rules[0].valid_days if rules else 90
    return CertificateNote(value, "ABCD-EFGH-JKLM", today + timedelta(days=days))
