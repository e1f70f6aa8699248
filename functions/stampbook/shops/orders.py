"""A shop's order and refund as the loyalty engine records them: ids scoped to the shop,
each line in the category the owner's table (`shops` in program.yaml) gives it."""

from __future__ import annotations

from ..loyalty.orders import Order, OrderLine, Refund
from ..programme.shops import ShopSettings
from .events import OrderPaid, RefundMade, ShopLine


def category_of(line: ShopLine, tags: tuple[str, ...], settings: ShopSettings) -> str:
    """The first row of the owner's table the line matches, else the default."""
    product = line.product.casefold()
    tagged = {tag.casefold() for tag in tags}
    for row in settings.categories:
        match = row.match
        if (
            (match.sku_prefix is not None and line.sku.startswith(match.sku_prefix))
            or (match.product is not None and match.product.casefold() == product)
            or (match.tag is not None and match.tag.casefold() in tagged)
        ):
            return row.category
    return settings.default_category


def scoped(scope: str, provider_id: str) -> str:
    """The provider's id as the customer file keeps it: `shopify/<shop>/<id>`."""
    return f"{scope}/{provider_id}"


def order_of(paid: OrderPaid, scope: str, settings: ShopSettings) -> Order:
    return Order(
        order_id=scoped(scope, paid.order_id),
        placed_at=paid.placed_at,
        currency=paid.currency,
        lines=tuple(
            OrderLine(line.line_id, category_of(line, paid.tags, settings), line.amount)
            for line in paid.lines
        ),
        shipping=paid.shipping,
        tax=paid.tax,
    )


def refund_of(refund: RefundMade, scope: str) -> Refund:
    return Refund(
        scoped(scope, refund.refund_id),
        scoped(scope, refund.order_id),
        refund.refunded_at,
        dict(refund.lines),
        refund.tax,
    )
