"""Customers in and out as CSV: the owner's own list, or another tool's export.

    email,name[,locale,birthday,interests,source,created_at,referred_by]

`interests` are separated by `;`; `referred_by` is the email or referral
code of the customer who brought this one in (checked against the customer
file by `services.referrals`). Export writes every customer with consent,
tier and points, so the customer file can always leave with its owner.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from ..records.customers import Customer, InvalidEmail, new_referral_code, normalise_email
from .rows import BadValue, CsvRows, RowError, parse_date, parse_time

REQUIRED = ("email",)
OPTIONAL = ("name", "locale", "birthday", "interests", "source", "created_at", "referred_by")
EXPORT_COLUMNS = (
    "email",
    "name",
    "locale",
    "birthday",
    "interests",
    "source",
    "created_at",
    "consent",
    "tier",
    "points_available",
    "points_pending",
    "customer_id",
    "referred_by",
)


@dataclass
class CustomerFile:
    customers: list[Customer] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Customer id -> (row, the referrer's email or code as written), for rows that name one.
    referrers: dict[str, tuple[int, str]] = field(default_factory=dict)


def read_customers(
    stream: TextIO,
    now: datetime,
    zone: ZoneInfo,
    locales: set[str],
    interests: set[str],
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
) -> CustomerFile:
    rows = CsvRows(stream, REQUIRED, OPTIONAL)
    result = CustomerFile(errors=list(rows.header_errors))
    if result.errors:
        return result
    seen: dict[str, int] = {}
    for number, row in rows:
        errors: list[RowError] = []
        email = ""
        try:
            email = normalise_email(row["email"])
        except InvalidEmail as error:
            errors.append(RowError(number, "email", str(error)))
        if email in seen:
            errors.append(RowError(number, "email", f"already on row {seen[email]}"))
        locale = row.get("locale") or None
        if locale is not None and locale not in locales:
            errors.append(RowError(number, "locale", f"not one of {', '.join(sorted(locales))}"))
        chosen = tuple(i.strip() for i in (row.get("interests") or "").split(";") if i.strip())
        unknown = [i for i in chosen if i not in interests]
        if unknown:
            errors.append(RowError(number, "interests", f"unknown: {', '.join(unknown)}"))
        birthday = created = None
        try:
            birthday = parse_date(row["birthday"]) if row.get("birthday") else None
        except BadValue as error:
            errors.append(RowError(number, "birthday", str(error)))
        try:
            created = parse_time(row["created_at"], zone) if row.get("created_at") else None
        except BadValue as error:
            errors.append(RowError(number, "created_at", str(error)))
        referrer = (row.get("referred_by") or "").strip()
        if "@" in referrer:
            try:
                referrer = normalise_email(referrer)
            except InvalidEmail as error:
                errors.append(RowError(number, "referred_by", str(error)))
        if errors:
            result.errors += errors
            continue
        seen[email] = number
        customer_id = new_id()
        if referrer:
            result.referrers[customer_id] = (number, referrer)
        result.customers.append(
            Customer(
                customer_id=customer_id,
                email=email,
                created_at=created or now,
                name=row.get("name", ""),
                locale=locale,
                birthday=birthday,
                # Known since the customer joined the old system where the file
                # says when (a long-known birthday pays this year); else from
                # today, like one typed in a form, after the waiting period.
                birthday_set_at=(created or now) if birthday else None,
                interests=chosen,
                referral_code=new_referral_code(),
                source=row.get("source") or "import",
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class ExportRow:
    customer: Customer
    consent: str
    points_available: int
    points_pending: int
    # The referrer's email, as the import's column takes it ("" for none, or one erased since).
    referred_by: str = ""


# A spreadsheet runs a cell starting with one of these as a formula: a name
# typed as `=HYPERLINK(...)` on the sign-up form would run on the owner's
# machine. OWASP's rule: such a cell starts with an apostrophe, which the
# spreadsheet shows as text and hides.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: str) -> str:
    """`cell` as a spreadsheet shows it without running it."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def write_customers(stream: TextIO, rows: Iterable[ExportRow]) -> int:
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        c = row.customer
        writer.writerow(
            [
                as_text(c.email),
                as_text(c.name),
                c.locale or "",
                c.birthday.isoformat() if c.birthday else "",
                as_text(";".join(c.interests)),
                as_text(c.source),
                c.created_at.isoformat(),
                row.consent,
                c.tier or "",
                row.points_available,
                row.points_pending,
                c.customer_id,
                as_text(row.referred_by),
            ]
        )
        count += 1
    return count
