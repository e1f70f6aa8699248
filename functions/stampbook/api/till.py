"""The till and the web shop: purchases, refunds, redemptions, look-up at the counter.

Every route needs an integration key (`Authorization: Bearer sbk_...`).
Retries are safe: a purchase is keyed by its order id and a refund by its
refund id; redemptions, which have no natural id, need an `Idempotency-Key`
header. A retry gets the first answer; the same id with a different payload
is a 409.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from ..loyalty.orders import Order, OrderLine, Refund
from ..programme.business import TillSettings
from ..programme.explain import closest
from ..records.customers import Customer, normalise_email
from ..records.integrations import KeyRefused, key_id_of, verify_key
from ..records.money_units import decimal_places
from .body import Body, json_body
from .context import current
from .errors import ApiError
from .formats import CARD_CODE, EMAIL, money
from .openapi import Operation
from .refusals import answer_errors
from .routes import till

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:/-]+$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4), WithJsonSchema(money())]
# Certificates are printed and read out like a card's code, with a dash or two.
CERTIFICATE_CODE = r"^[A-Za-z0-9][A-Za-z0-9-]{2,30}[A-Za-z0-9]$"


def _exactly_one(schema: dict[str, Any]) -> None:
    """Say in the document what `_one` checks: one of the two, as a string."""
    for name, pattern in (("email", EMAIL), ("code", CARD_CODE)):
        choice = schema["properties"][name]["anyOf"][0]
        schema["properties"][name] = {**choice, "pattern": pattern}
    schema["oneOf"] = [{"required": ["email"]}, {"required": ["code"]}]


class CustomerRef(Body):
    """Who: the email address, or the personal code shown at the counter."""

    model_config = ConfigDict(json_schema_extra=_exactly_one)

    email: str | None = Field(default=None, max_length=254)
    code: str | None = Field(default=None, min_length=4, max_length=16)

    @model_validator(mode="after")
    def _one(self) -> CustomerRef:
        if (self.email is None) == (self.code is None):
            raise ValueError("give exactly one of email and code")
        return self


class Line(Body):
    line_id: Id
    category: Id
    amount: Money


class PurchaseIn(Body):
    customer: CustomerRef
    order_id: Id
    placed_at: AwareDatetime
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    lines: tuple[Line, ...] = Field(min_length=1, max_length=500)
    shipping: Money = Decimal(0)
    tax: Money = Decimal(0)


class RefundIn(Body):
    customer: CustomerRef
    refund_id: Id
    order_id: Id
    refunded_at: AwareDatetime
    lines: dict[str, Money] = Field(min_length=1, max_length=500)
    tax: Money = Decimal(0)


class RedemptionIn(Body):
    customer: CustomerRef
    reward: Id


class CertificateIn(Body):
    customer: CustomerRef
    code: str = Field(min_length=4, max_length=32, json_schema_extra={"pattern": CERTIFICATE_CODE})


class PurchaseOut(BaseModel):
    order_id: str
    points: int  # earned, pending until `available_at`
    available_at: str
    tier: str | None
    free_shipping: bool


class RefundOut(BaseModel):
    refund_id: str
    order_id: str
    points_taken_back: int


class RedemptionOut(BaseModel):
    reward_id: str
    points: int
    available: int  # left after this redemption


class CertificateOut(BaseModel):
    certificate_id: str
    value: str
    currency: str


class CardCertificate(BaseModel):
    code: str
    value: str
    expires_at: str


class Affordable(BaseModel):
    reward: str
    points: int


class CardOut(BaseModel):
    name: str
    code: str
    available: int
    pending: int
    tier: str | None
    expires_at: str | None
    certificates: list[CardCertificate]
    rewards: list[Affordable]


OPERATIONS = [
    Operation("POST", "/till/purchases", "Record a purchase", PurchaseOut, PurchaseIn),
    Operation("POST", "/till/refunds", "Record a refund", RefundOut, RefundIn),
    Operation(
        "POST", "/till/redemptions", "Spend points on a reward", RedemptionOut, RedemptionIn, True
    ),
    Operation(
        "POST",
        "/till/certificates/redeem",
        "Use a gift certificate",
        CertificateOut,
        CertificateIn,
        True,
    ),
    Operation(
        "GET",
        "/till/customers/{code}",
        "Look up a customer by their card code",
        CardOut,
        refusals=(401, 404, 503),
    ),
]


def _authorised() -> str:
    """The id of the integration key the request carries, once it checks out."""
    header = till.current_request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer":
            raise KeyRefused("no bearer key")
        app = current()
        key_id = key_id_of(token.strip())
        verify_key(token.strip(), app.store.integration_key(key_id))
        return key_id
    except KeyRefused:
        raise ApiError(401, "unauthorized", "a valid integration key is required") from None


def _customer(ref: CustomerRef) -> Customer:
    store = current().store
    if ref.email is not None:
        found = store.customer_by_email(normalise_email(ref.email))
    else:
        found = store.customer_by_code(ref.code or "")
    if found is None:
        raise ApiError(404, "unknown_customer", "no customer with that email or code", "customer")
    return found


def _idempotency_key() -> str:
    key = (till.current_request.headers.get("idempotency-key") or "").strip()
    if not 8 <= len(key) <= 128 or not key.isprintable():
        raise ApiError(
            400,
            "idempotency_key_required",
            "send an Idempotency-Key header (8 to 128 characters), the same on every retry",
        )
    return key


def _scoped(key: str, integration: str, customer: Customer) -> str:
    """An Idempotency-Key as this integration's, for this customer.

    Two tills (or a till and the web shop) counting their keys alike must not
    get each other's answers, nor one customer's retry another's.
    """
    return f"{integration}/{customer.customer_id}/{key}"


# What a till sends is a purchase being made now. Older orders are history:
# `stampbook purchases import` records them as such.
# How late and how large are the owner's (`till` in program.yaml).


def _plausible(body: PurchaseIn, now: datetime, return_days: int, settings: TillSettings) -> None:
    """Refuse what no till sends for a purchase made now (422, naming the field)."""
    first, last = settings.dates(now.astimezone(UTC).date(), return_days)
    if body.placed_at.date() > last:
        raise ApiError(422, "implausible", "placed_at is in the future", "placed_at")
    if body.placed_at.date() < first:
        raise ApiError(
            422,
            "implausible",
            "placed_at is too long ago for a till; import older orders with "
            "`stampbook purchases import`",
            "placed_at",
        )
    seen: set[str] = set()
    for number, line in enumerate(body.lines):
        if line.line_id in seen:
            raise ApiError(422, "implausible", "line_id repeats", f"lines.{number}.line_id")
        seen.add(line.line_id)
        if line.amount > settings.largest_line:
            raise ApiError(
                422, "implausible", "the amount is implausibly large", f"lines.{number}.amount"
            )
    if body.tax > sum((line.amount for line in body.lines), Decimal(0)):
        raise ApiError(422, "implausible", "tax is larger than the lines", "tax")


def _as_the_business_counts(amounts: list[tuple[str, Decimal]]) -> None:
    """Where the owner said how many decimals the business uses (`money.decimals`,
    such as 0 for whole drams), an amount with more is refused, naming its field."""
    decimals = current().programme.programme_file.money.decimals
    if decimals is None:
        return
    for field, amount in amounts:
        if decimal_places(amount) > decimals:
            said = "whole amounts only" if decimals == 0 else f"at most {decimals} decimals"
            raise ApiError(422, "invalid", f"{amount}: {said} in this programme", field)


def _category_known(lines: tuple[Line, ...]) -> None:
    known = [category.id for category in current().programme.programme_file.categories]
    for number, line in enumerate(lines):
        if line.category not in known:
            # As the counter and the CSV import say it: the nearest one by name.
            hint = closest(line.category, known) or "the categories are: " + ", ".join(known)
            raise ApiError(
                422,
                "unknown_category",
                f"no category {line.category!r}; {hint}",
                f"lines.{number}.category",
            )


@answer_errors
def record_purchase() -> dict[str, Any]:
    _authorised()
    body = json_body(till.current_request, PurchaseIn)
    app = current()
    _plausible(
        body,
        app.loyalty.clock(),
        app.loyalty.rules.loyalty.pending.days,
        app.programme.programme_file.till,
    )
    _as_the_business_counts(
        [
            *((f"lines.{n}.amount", line.amount) for n, line in enumerate(body.lines)),
            ("shipping", body.shipping),
            ("tax", body.tax),
        ]
    )
    _category_known(body.lines)
    order = Order(
        order_id=body.order_id,
        placed_at=body.placed_at,
        currency=body.currency or app.loyalty.rules.currency,
        lines=tuple(OrderLine(li.line_id, li.category, li.amount) for li in body.lines),
        shipping=body.shipping,
        tax=body.tax,
    )
    result = app.loyalty.record_purchase(_customer(body.customer).customer_id, order)
    return PurchaseOut.model_validate(result.as_json()).model_dump()


@answer_errors
def record_refund() -> dict[str, Any]:
    _authorised()
    body = json_body(till.current_request, RefundIn)
    _as_the_business_counts(
        [*((f"lines.{line}", amount) for line, amount in body.lines.items()), ("tax", body.tax)]
    )
    refund = Refund(body.refund_id, body.order_id, body.refunded_at, dict(body.lines), body.tax)
    result = current().loyalty.record_refund(_customer(body.customer).customer_id, refund)
    return RefundOut.model_validate(result.as_json()).model_dump()


@answer_errors
def redeem_reward() -> dict[str, Any]:
    integration = _authorised()
    key = _idempotency_key()
    body = json_body(till.current_request, RedemptionIn)
    customer = _customer(body.customer)
    scoped = _scoped(key, integration, customer)
    result = current().loyalty.redeem(customer.customer_id, body.reward, scoped)
    return RedemptionOut.model_validate(result.as_json()).model_dump()


@answer_errors
def redeem_certificate() -> dict[str, Any]:
    integration = _authorised()
    key = _idempotency_key()
    body = json_body(till.current_request, CertificateIn)
    customer = _customer(body.customer)
    scoped = _scoped(key, integration, customer)
    result = current().loyalty.redeem_certificate(customer.customer_id, body.code, scoped)
    return CertificateOut.model_validate(result.as_json()).model_dump()


@answer_errors
def look_up(code: str) -> dict[str, Any]:
    """What the counter needs: who, how many points, which rewards they can have now."""
    _authorised()
    app = current()
    customer = app.store.customer_by_code(code)
    if customer is None:
        raise ApiError(404, "unknown_customer", "no customer with that code", "code")
    summary = app.loyalty.summary(customer.customer_id)
    shown = summary.as_json()
    card = {
        "name": customer.name,
        "code": customer.referral_code,
        "available": shown["available"],
        "pending": shown["pending"],
        "tier": shown["tier"],
        "expires_at": shown["expires_at"],
        "certificates": shown["certificates"],
        "rewards": [
            {"reward": reward.id, "points": reward.points}
            for reward in app.loyalty.rules.rewards.values()
            if reward.points <= summary.available
        ],
    }
    return CardOut.model_validate(card).model_dump()
