"""A web shop's webhook secret: which provider, which of the owner's shops, and the secret.

Kept where the till keys are (the store's integration keys), revoked the
same way, under the key id `<provider>.<shop>`, which no till key can have
(a till key's id is hexadecimal). Unlike a till key, the secret itself is
kept, not its hash: checking a provider's HMAC signature needs the secret.
It is marked so that it can never pass for a till key's SHA-256.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .integrations import IntegrationKey

PROVIDERS = ("shopify", "woocommerce", "square")
SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_MARK = "webhook-secret:"


class UnknownShop(Exception):
    """No active secret for this provider and shop; callers learn no more than that."""


@dataclass(frozen=True)
class ShopSecret:
    provider: str
    shop: str  # the owner's name for it, in the webhook's address
    secret: str
    added_at: datetime

    @property
    def key_id(self) -> str:
        return shop_key_id(self.provider, self.shop)

    @property
    def scope(self) -> str:
        """What the shop's order and refund ids are prefixed with in the customer file:
        two shops (or a shop and the till) numbering their orders alike stay apart."""
        return f"{self.provider}/{self.shop}"

    def as_key(self) -> IntegrationKey:
        return IntegrationKey(self.key_id, self.scope, _MARK + self.secret, self.added_at)


def shop_key_id(provider: str, shop: str) -> str:
    return f"{provider}.{shop}"


def is_shop_key(record: IntegrationKey) -> bool:
    return record.secret_hash.startswith(_MARK)


def shop_secret(record: IntegrationKey | None) -> ShopSecret:
    """The active secret a stored key holds, or UnknownShop."""
    if record is None or record.revoked_at is not None or not is_shop_key(record):
        raise UnknownShop("no such shop")
    provider, _, shop = record.key_id.partition(".")
    return ShopSecret(provider, shop, record.secret_hash[len(_MARK) :], record.created_at)


def hidden(secret: str) -> str:
    """Enough of a secret to tell two apart in a listing, never enough to use it."""
    return f"…{secret[-4:]}" if len(secret) >= 16 else "…"
