"""What the programme costs: points in and out, the liability, certificates, free shipping.

The outstanding points are valued at a stated price per point (the
`--point-value` option): rewards are goods, not money, so only the owner
knows what a point costs the shop. Without it the points are counted but
not valued, and the report says so. Pending points count too: most of
them become spendable once the return window closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..loyalty.ledger import EntryKind
from .facts import CertificateFacts, PointsFacts, to_money

# Points given to customers; the owner's corrections are shown on their own.
GIVING = (EntryKind.EARN, EntryKind.BIRTHDAY, EntryKind.REFERRAL)


@dataclass(frozen=True)
class Certificates:
    issued: int
    issued_value: Decimal
    redeemed: int
    redeemed_value: Decimal
    open: int  # still usable at the period's end: also owed
    open_value: Decimal


@dataclass(frozen=True)
class Cost:
    points_issued: int
    points_clawed_back: int  # taken back for refunds
    points_redeemed: int
    points_expired: int
    points_adjusted: int  # the owner's corrections, signed
    points_outstanding: int  # at the period's end, every positive balance
    holders: int
    point_value: Decimal | None  # money per point
    liability: Decimal | None  # outstanding points times the point value, exactly
    valuation: str  # the rule, in words, shown with the figure
    certificates: Certificates
    free_shipping_orders: int  # over the threshold, no shipping charged
    free_shipping_over: Decimal | None
    shipping_charged_over: int  # over the threshold, yet charged shipping


def cost(
    points: PointsFacts,
    certificates: CertificateFacts,
    free_shipping: tuple[int, int],  # orders over the threshold: not charged, charged
    free_shipping_over: Decimal | None,
    point_value: Decimal | None,
) -> Cost:
    kinds = points.by_kind
    if point_value is None:
        liability, rule = None, "not valued: give the money one point costs with --point-value"
    else:
        liability = points.outstanding * point_value
        rule = f"every outstanding point (available or pending) at {point_value} each"
    return Cost(
        points_issued=sum(kinds.get(kind, 0) for kind in GIVING),
        points_clawed_back=-kinds.get(EntryKind.CLAWBACK, 0),
        points_redeemed=-kinds.get(EntryKind.REDEEM, 0),
        points_expired=-kinds.get(EntryKind.EXPIRE, 0),
        points_adjusted=kinds.get(EntryKind.ADJUST, 0),
        points_outstanding=points.outstanding,
        holders=points.holders,
        point_value=point_value,
        liability=liability,
        valuation=rule,
        certificates=Certificates(
            certificates.issued,
            to_money(certificates.issued_value),
            certificates.redeemed,
            to_money(certificates.redeemed_value),
            certificates.open,
            to_money(certificates.open_value),
        ),
        free_shipping_orders=free_shipping[0],
        free_shipping_over=free_shipping_over,
        shipping_charged_over=free_shipping[1],
    )
