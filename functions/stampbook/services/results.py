"""What the loyalty use cases answer: typed, each with the one JSON it is shown as.

`as_json` is what the till's API answers and what the store keeps with the
request that made a change (`store.base.Committed`); `from_json` reads that
back. A use case answers through `from_json` whether its request was new or
a retry, so a retried purchase answers byte for byte what the first did.
Money is a Decimal and a moment a datetime here; in JSON, both are strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..loyalty.ledger import EntryKind


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment_of(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class PurchaseRecorded:
    order_id: str
    points: int  # earned, pending until `available_at`
    available_at: datetime
    tier: str | None  # the customer's tier after this purchase
    free_shipping: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "points": self.points,
            "available_at": self.available_at.isoformat(),
            "tier": self.tier,
            "free_shipping": self.free_shipping,
        }

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> PurchaseRecorded:
        return cls(
            answer["order_id"],
            answer["points"],
            datetime.fromisoformat(answer["available_at"]),
            answer["tier"],
            answer["free_shipping"],
        )


@dataclass(frozen=True, slots=True)
class RefundRecorded:
    refund_id: str
    order_id: str
    points_taken_back: int

    def as_json(self) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "order_id": self.order_id,
            "points_taken_back": self.points_taken_back,
        }

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> RefundRecorded:
        return cls(answer["refund_id"], answer["order_id"], answer["points_taken_back"])


@dataclass(frozen=True, slots=True)
class Redeemed:
    """Points spent on a reward from the catalogue."""

    reward_id: str
    points: int  # spent
    available: int  # left after this redemption

    def as_json(self) -> dict[str, Any]:
        return {"reward_id": self.reward_id, "points": self.points, "available": self.available}

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> Redeemed:
        return cls(answer["reward_id"], answer["points"], answer["available"])


@dataclass(frozen=True, slots=True)
class CertificateRedeemed:
    certificate_id: str
    value: Decimal
    currency: str

    def as_json(self) -> dict[str, Any]:
        return {
            "certificate_id": self.certificate_id,
            "value": str(self.value),
            "currency": self.currency,
        }

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> CertificateRedeemed:
        return cls(answer["certificate_id"], Decimal(answer["value"]), answer["currency"])


@dataclass(frozen=True, slots=True)
class Adjusted:
    """The owner's goodwill credit or correction."""

    points: int
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {"points": self.points, "reason": self.reason}

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> Adjusted:
        return cls(answer["points"], answer["reason"])


@dataclass(frozen=True, slots=True)
class ExpiryNotice:
    """Points about to expire, inside the warning window: the reminder's occasion."""

    points: int
    expires_on: date

    def as_json(self) -> dict[str, Any]:
        return {"points": self.points, "expires_on": self.expires_on.isoformat()}

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> ExpiryNotice:
        return cls(answer["points"], date.fromisoformat(answer["expires_on"]))


@dataclass(frozen=True, slots=True)
class DailyRun:
    """The nightly run for one customer: what it wrote, and what the automatic emails need."""

    entries: tuple[EntryKind, ...]  # of the entries written (a referrer's bonus too)
    certificates: tuple[str, ...]  # the ids of the certificates issued
    tier: str | None
    expiry_warning: ExpiryNotice | None
    birthday: bool  # today is the customer's birthday
    last_purchase_at: datetime | None  # for the win-back

    def as_json(self) -> dict[str, Any]:
        warning = self.expiry_warning
        return {
            "entries": [kind.value for kind in self.entries],
            "certificates": list(self.certificates),
            "tier": self.tier,
            "expiry_warning": warning.as_json() if warning else None,
            "birthday": self.birthday,
            "last_purchase_at": _moment(self.last_purchase_at),
        }

    @classmethod
    def from_json(cls, answer: Mapping[str, Any]) -> DailyRun:
        # A night recorded before the automatic emails had no birthday nor last purchase.
        warning = answer.get("expiry_warning")
        return cls(
            tuple(EntryKind(kind) for kind in answer.get("entries", ())),
            tuple(answer.get("certificates", ())),
            answer.get("tier"),
            ExpiryNotice.from_json(warning) if warning else None,
            bool(answer.get("birthday")),
            _moment_of(answer.get("last_purchase_at")),
        )


@dataclass(frozen=True, slots=True)
class CertificateHeld:
    """A gift certificate the customer can still use."""

    code: str
    value: Decimal
    expires_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": str(self.value),
            "expires_at": self.expires_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """Where a customer stands: what the till's look-up and the emails show."""

    available: int
    pending: int
    total: int
    tier: str | None
    expires_at: datetime | None  # when the available points expire without a new purchase
    certificates: tuple[CertificateHeld, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "pending": self.pending,
            "total": self.total,
            "tier": self.tier,
            "expires_at": _moment(self.expires_at),
            "certificates": [certificate.as_json() for certificate in self.certificates],
        }


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One entry of the customer's history, as they are shown it."""

    kind: EntryKind
    points: int
    at: datetime
    order_id: str | None = None  # the order it is about (earned, taken back)
    available_at: datetime | None = None  # when points earned become available

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "points": self.points,
            "at": self.at.isoformat(),
            "order_id": self.order_id,
        }


@dataclass(frozen=True, slots=True)
class Statement(Summary):
    """The summary with the history behind it: `stampbook points`, the points page."""

    entries: tuple[LedgerLine, ...]

    @classmethod
    def of(cls, summary: Summary, entries: tuple[LedgerLine, ...]) -> Statement:
        return cls(
            available=summary.available,
            pending=summary.pending,
            total=summary.total,
            tier=summary.tier,
            expires_at=summary.expires_at,
            certificates=summary.certificates,
            entries=entries,
        )

    def as_json(self) -> dict[str, Any]:
        # Named, not `super()`: a slotted dataclass is a new class, which `super()` misses.
        return {**Summary.as_json(self), "entries": [line.as_json() for line in self.entries]}
