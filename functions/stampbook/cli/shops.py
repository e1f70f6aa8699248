"""`stampbook shops`: the web shops whose order webhooks earn points, and their secrets."""

from __future__ import annotations

import click

from ..bootstrap import App
from ..records.shops import PROVIDERS, SHOP_NAME, ShopSecret, UnknownShop, hidden, shop_secret
from ..store.base import IdempotencyConflict
from .with_app import with_app

provider_argument = click.argument("provider", type=click.Choice(PROVIDERS))


@click.group()
def shops() -> None:
    """Web shops (Shopify, WooCommerce, Square) whose orders earn points by webhook."""


@shops.command("add")
@provider_argument
@click.argument("name")
@click.option(
    "--secret",
    prompt="The shop's webhook secret",
    hide_input=True,
    help="The signing secret the provider shows for the webhook (asked for if not given).",
)
@with_app
def add_shop(app: App, provider: str, name: str, secret: str) -> None:
    """Take PROVIDER's webhooks for the shop NAME (lowercase letters, digits, "-")."""
    if not SHOP_NAME.fullmatch(name):
        raise click.UsageError(f"{name!r}: use lowercase letters, digits and '-', at most 32")
    if len(secret.strip()) < 8:
        raise click.UsageError("the secret is shorter than any provider's: paste all of it")
    record = ShopSecret(provider, name, secret.strip(), app.loyalty.clock())
    try:
        app.store.add_integration_key(record.as_key())
    except IdempotencyConflict:
        raise click.ClickException(
            f"{provider} shop {name} was added before; choose another name"
        ) from None
    click.echo(f"{provider} shop {name}: its webhooks go to <API>/shops/{provider}/{name}")


@shops.command("list")
@with_app
def list_shops(app: App) -> None:
    """Every shop, when it was added, and the last characters of its secret."""
    for record in app.store.integration_keys():
        try:
            shop = shop_secret(record)
        except UnknownShop:
            continue  # a till key, or a shop removed
        click.echo(
            f"{shop.provider:<12} {shop.shop:<32} {shop.added_at:%Y-%m-%d}  {hidden(shop.secret)}"
        )


@shops.command("remove")
@provider_argument
@click.argument("name")
@with_app
def remove_shop(app: App, provider: str, name: str) -> None:
    """Refuse the shop's webhooks from now on; its orders stay in the customer file."""
    if not app.store.revoke_integration_key(f"{provider}.{name}", app.loyalty.clock()):
        raise click.ClickException(f"no {provider} shop {name}")
    click.echo(f"{provider} shop {name} removed")


COMMANDS = (shops,)
