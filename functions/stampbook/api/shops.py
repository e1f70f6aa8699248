"""`POST /shops/<provider>/<shop>`: order webhooks from Shopify, WooCommerce and Square.

No integration key: each delivery is signed by the provider with the
shop's secret (`stampbook shops add`), checked on the body's exact bytes
before anything is read. Not signed: 401, nothing written. Signed but
unreadable: 400. Another topic, an unpaid order, a delivery older than
`shops.replay_days`: 200 with the reason, so the provider stops retrying.

Square signs its notification URL with the body; the URL is taken from
the API's configured address (`STAMPBOOK_API_URL`, else the site's /api),
not from the request, whose host differs behind CloudFront and API Gateway.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, RootModel

from ..records.shops import SHOP_NAME, ShopSecret, UnknownShop, shop_key_id, shop_secret
from ..services.shop_orders import take_delivery
from ..shops import shopify, square, woocommerce
from ..shops.events import BadSignature, Delivery, Malformed
from .context import current
from .errors import ApiError
from .openapi import Operation
from .refusals import answer_errors
from .routes import shops

# Shopify's largest orders (hundreds of lines, each with its discounts and taxes)
# run to a few hundred kilobytes.
MAX_WEBHOOK_BYTES = 1024 * 1024


class ShopPayload(RootModel[dict[str, Any]]):
    """The provider's own JSON, as it documents it for the topic."""


class ShopEventOut(BaseModel):
    recorded: str | None = None  # "purchase" or "refund"
    points: int | None = None  # earned, or taken back
    ignored: str | None = None  # why nothing was recorded


def _operation(provider: str, summary: str, signature: str, *types: str) -> Operation:
    return Operation(
        "POST",
        f"/shops/{provider}/{{shop}}",
        summary,
        ShopEventOut,
        ShopPayload,
        integration_key=False,
        refusals=(400, 401, 413, 415, 422, 503),
        headers=(signature,),
        body_types=types or ("application/json",),
    )


OPERATIONS = [
    _operation("shopify", "Shopify webhooks: orders/paid, refunds/create", "X-Shopify-Hmac-Sha256"),
    _operation(
        "woocommerce",
        "WooCommerce webhook: order.updated (completed, refunded)",
        "X-WC-Webhook-Signature",
        "application/json",
        "application/x-www-form-urlencoded",
    ),
    _operation(
        "square",
        "Square webhooks: payment.updated, refund.updated",
        "x-square-hmacsha256-signature",
    ),
]

Verify = Callable[[bytes, Mapping[str, str], str, str], None]
Read = Callable[[bytes, Mapping[str, str]], Delivery]


def _take(provider: str, shop: str, verify: Verify, read: Read) -> dict[str, Any]:
    request = shops.current_request
    body = request.raw_body or b""
    raw = body if isinstance(body, bytes) else body.encode()
    if len(raw) > MAX_WEBHOOK_BYTES:
        raise ApiError(413, "too_large", f"the body is over {MAX_WEBHOOK_BYTES} bytes")
    headers = {name.lower(): value for name, value in request.headers.items()}
    app = current()
    try:
        if not SHOP_NAME.fullmatch(shop):
            raise UnknownShop(shop)
        secret: ShopSecret = shop_secret(app.store.integration_key(shop_key_id(provider, shop)))
        notified = (
            f"{app.settings.mail.api_address(app.programme.programme_file.business.site_url)}"
        )
        verify(raw, headers, secret.secret, f"{notified}/shops/{provider}/{shop}")
    except (UnknownShop, BadSignature):
        raise ApiError(401, "unauthorized", "not signed with this shop's secret") from None
    try:
        delivery = read(raw, headers)
    except Malformed as malformed:
        raise ApiError(400, "bad_request", str(malformed)) from None
    taken = take_delivery(app.loyalty, app.programme.programme_file.shops, secret, delivery)
    answer = ShopEventOut(
        recorded=taken.recorded,
        points=taken.points if taken.recorded else None,
        ignored=taken.ignored,
    )
    return answer.model_dump(exclude_none=True)


@answer_errors
def from_shopify(shop: str) -> dict[str, Any]:
    return _take("shopify", shop, shopify.verify, shopify.read)


@answer_errors
def from_woocommerce(shop: str) -> dict[str, Any]:
    return _take("woocommerce", shop, woocommerce.verify, woocommerce.read)


@answer_errors
def from_square(shop: str) -> dict[str, Any]:
    return _take("square", shop, square.verify, square.read)
