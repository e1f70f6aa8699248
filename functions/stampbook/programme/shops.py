"""`shops` in program.yaml: how a web shop's orders (Shopify, WooCommerce, Square) earn points.

A shop reports products, not the programme's categories; the owner's table
says which category each product falls in, first match wins, and anything
else goes to `default_category`.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .fields import CategoryRef, OwnerModel


class ProductMatch(OwnerModel):
    """What a shop's order line is recognised by: give exactly one."""

    sku_prefix: str | None = Field(
        None, min_length=1, max_length=64, description="The line's SKU starts with this"
    )
    product: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="The product's name as the shop sends it (any case)",
    )
    tag: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="A tag on the order (Shopify): every line of it (any case)",
    )

    @model_validator(mode="after")
    def _one(self) -> ProductMatch:
        given = [value for value in (self.sku_prefix, self.product, self.tag) if value is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of sku_prefix, product and tag")
        return self


class ProductCategory(OwnerModel):
    match: ProductMatch
    category: CategoryRef


class ShopSettings(OwnerModel):
    """Orders from a web shop's webhooks: their categories, and how late they may come."""

    categories: tuple[ProductCategory, ...] = Field(
        (), description="Which category a shop's product falls in; the first match wins"
    )
    default_category: CategoryRef = Field(
        description="The category of every product the table does not match"
    )
    replay_days: int = Field(
        3,
        ge=1,
        le=30,
        description=(
            "A webhook sent longer ago than this is acknowledged and ignored (Square retries"
            " for 72 hours, Shopify for 4)"
        ),
    )
