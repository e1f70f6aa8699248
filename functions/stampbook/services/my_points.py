"""A customer's own points page: what the magic link shows, in their language."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..loyalty.history import History
from ..loyalty.ledger import EntryKind
from ..loyalty.tiers import spend_in_window
from ..mail.strings import Strings
from ..records.customers import Customer
from .results import CertificateHeld, LedgerLine

if TYPE_CHECKING:
    from ..programme.business import ProgrammeFile
    from .loyalty import LoyaltyService


@dataclass(frozen=True, slots=True)
class TierShown:
    id: str
    name: str  # in the reader's language


@dataclass(frozen=True, slots=True)
class NextTier:
    id: str
    name: str
    spend_needed: Decimal  # still to spend, in the programme's currency, major units


@dataclass(frozen=True, slots=True)
class Expiring:
    points: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Affordable:
    """A reward of the catalogue the customer has the points for now."""

    id: str
    title: str
    points: int


@dataclass(frozen=True, slots=True)
class NextReward:
    """The cheapest reward she cannot have yet, and the points still missing."""

    title: str
    points_needed: int


@dataclass(frozen=True, slots=True)
class PointsPage:
    """Balance, tier and the way to the next, pending and expiring points, certificates,
    rewards affordable now, and the history."""

    name: str
    available: int
    pending: int
    tier: TierShown | None
    next_tier: NextTier | None
    currency: str
    expiring: Expiring | None
    certificates: tuple[CertificateHeld, ...]
    rewards: tuple[Affordable, ...]
    history: tuple[LedgerLine, ...]
    progress: float | None = None  # the way to the next tier, 0 to 1
    next_reward: NextReward | None = None
    pending_until: datetime | None = None  # when the last pending points become available
    card_code: str = ""  # on her card: the till finds her by it; her friends sign up with it
    referral_url: str = ""

    @classmethod
    def of_nobody(cls, currency: str) -> PointsPage:
        """The page of a customer erased since their link was sent: nothing to show."""
        return cls("", 0, 0, None, None, currency, None, (), (), ())

    def as_json(self) -> dict[str, Any]:
        """Amounts are strings: never a float."""
        tier, following, expiring = self.tier, self.next_tier, self.expiring
        return {
            "name": self.name,
            "available": self.available,
            "pending": self.pending,
            "tier": {"id": tier.id, "name": tier.name} if tier else None,
            "next_tier": (
                {
                    "id": following.id,
                    "name": following.name,
                    "spend_needed": str(following.spend_needed),
                }
                if following
                else None
            ),
            "currency": self.currency,
            "expiring": (
                {"points": expiring.points, "at": expiring.at.isoformat()} if expiring else None
            ),
            "certificates": [certificate.as_json() for certificate in self.certificates],
            "rewards": [
                {"id": reward.id, "title": reward.title, "points": reward.points}
                for reward in self.rewards
            ],
            "history": [line.as_json() for line in self.history],
            "progress": self.progress,
            "next_reward": (
                {"title": self.next_reward.title, "points_needed": self.next_reward.points_needed}
                if self.next_reward
                else None
            ),
            "pending_until": self.pending_until.isoformat() if self.pending_until else None,
            "card_code": self.card_code,
            "referral_url": self.referral_url,
        }


def points_page(
    loyalty: LoyaltyService, programme_file: ProgrammeFile, customer: Customer, locale: str
) -> PointsPage:
    """What the customer's points page shows, in `locale`."""
    rules, now = loyalty.rules, loyalty.clock()
    history = loyalty.store.history(customer.customer_id)  # read once: the page shows it all
    statement = loyalty.statement_of(history)

    def text(localized: Any) -> str:
        return str(localized.get(locale, programme_file.locales.default))

    tier = rules.tier(statement.tier)
    levels = rules.loyalty.tiers.levels if rules.loyalty.tiers else ()
    higher = [level for level in levels if tier is None or level.min_spend > tier.min_spend]
    following = higher[0] if higher and higher[0] is not tier else None
    spend = spend_in_window(rules, history, now)
    needed = following.min_spend - spend if following else Decimal(0)
    available = statement.available
    dearer = sorted(
        (reward for reward in rules.rewards.values() if reward.points > available),
        key=lambda reward: reward.points,
    )
    waiting = [
        line.available_at
        for line in statement.entries
        if line.available_at is not None and line.available_at > now and line.points > 0
    ]
    return PointsPage(
        name=customer.name,
        available=available,
        pending=statement.pending,
        tier=TierShown(tier.id, text(tier.name)) if tier else None,
        next_tier=(
            NextTier(following.id, text(following.name), needed if needed >= 0 else Decimal(0))
            if following
            else None
        ),
        currency=rules.currency,
        expiring=Expiring(available, statement.expires_at) if statement.expires_at else None,
        certificates=statement.certificates,
        rewards=tuple(
            Affordable(reward.id, text(reward.title), reward.points)
            for reward in rules.rewards.values()
            if reward.points <= available
        ),
        history=_dated_by_purchase(statement.entries, history),
        progress=float(min(spend / following.min_spend, Decimal(1)))
        if following and following.min_spend > 0
        else None,
        next_reward=NextReward(text(dearer[0].title), dearer[0].points - available)
        if dearer
        else None,
        pending_until=max(waiting) if waiting and statement.pending > 0 else None,
        card_code=customer.referral_code,
        # An invitation only where the programme pays for one.
        referral_url=f"{programme_file.site_url_of(locale)}signup/?ref={customer.referral_code}"
        if customer.referral_code and rules.loyalty.referral
        else "",
    )


def _dated_by_purchase(lines: tuple[LedgerLine, ...], history: History) -> tuple[LedgerLine, ...]:
    """Points earned are dated by the purchase, not by when it reached Stampbook (an
    import records a year of purchases in a minute); oldest first, as the ledger.
    Only her own orders are named."""
    placed = {order.order_id: order.placed_at for order in history.orders}
    dated = [
        replace(line, at=placed[line.order_id])
        if line.kind is EntryKind.EARN and line.order_id in placed
        # A bonus for a friend's purchase names no order of hers: not the friend's either.
        else replace(line, order_id=line.order_id if line.order_id in placed else None)
        for line in lines
    ]
    return tuple(sorted(dated, key=lambda line: line.at))


def shown(page: PointsPage, words: Strings, zone: ZoneInfo) -> dict[str, Any]:
    """The page in the reader's words: numbers grouped, money in the currency, dates
    on the business's calendar, each kind of entry said. Ready to show as it is."""
    fmt = words.formatter

    def day(moment: datetime) -> str:
        return fmt.date(moment.astimezone(zone).date())

    said: dict[str, Any] = {
        "available": fmt.number(page.available),
        "balance": words("member.balance", count=page.available),
        "pending": words("member.pending", count=page.pending, date=day(page.pending_until))
        if page.pending and page.pending_until
        else "",
        "expiring": words("member.expiring", count=page.expiring.points, date=day(page.expiring.at))
        if page.expiring and page.expiring.points
        else "",
        "tier": words("member.tier", tier=page.tier.name) if page.tier else "",
        "next_tier": words(
            "member.next_tier",
            tier=page.next_tier.name,
            amount=fmt.money(page.next_tier.spend_needed),
        )
        if page.next_tier
        else "",
        "progress": page.progress,
        "certificates": [
            {
                "value": fmt.money(held.value),
                "code": held.code,
                "until": words("member.valid_until", date=day(held.expires_at)),
            }
            for held in page.certificates
        ],
        "rewards": [
            {"title": reward.title, "points": words.points(reward.points)}
            for reward in page.rewards
        ],
        "next_reward": words(
            "member.next_reward",
            reward=page.next_reward.title,
            points=words.points(page.next_reward.points_needed),
        )
        if page.next_reward
        else "",
        "history": [
            {
                "date": day(line.at),
                "what": words(f"member.entry.{line.kind.value}"),
                "order": line.order_id or "",
                "points": f"{line.points:+d}".replace("-", "−"),
            }
            for line in reversed(page.history)  # newest first
        ],
        "card_code": page.card_code,
        "card_qr": card_qr(page.card_code, words("member.card")) if page.card_code else "",
        "referral_url": page.referral_url,
    }
    return said


def card_qr(code: str, title: str) -> str:
    """The card code as a QR code the till's scanner reads: inline SVG, drawn here."""
    import segno  # only a member page draws one

    qr = segno.make(code, error="m")
    return str(qr.svg_inline(scale=5, border=2, title=f"{title}: {code}", svgclass="sb-qr"))
