"""Every route of the API and the handler that answers it, named, not imported.

A Lambda cold start pays for Chalice and this table only. A handler's
module, and with it its body models (pydantic), its use cases and the
store, is imported by the first request that needs it (law 10). The
handlers live beside their models in the modules named here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from chalice.app import Blueprint

# Also the bodies a one-click unsubscribe comes in (RFC 8058).
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _on_first_use(module: str, name: str) -> Callable[..., Any]:
    """A view that imports `stampbook.api.<module>` when first called, then calls `name` there."""

    def view(**path: str) -> Any:
        handler: Callable[..., Any] = getattr(import_module(f"stampbook.api.{module}"), name)
        return handler(**path)

    view.__name__ = view.__qualname__ = name
    return view


def _routes(
    module: str, *routes: tuple[str, str, str] | tuple[str, str, str, list[str]]
) -> Blueprint:
    """A blueprint of `(path, method, handler[, content types])` answered by `module`."""
    blueprint = Blueprint(f"stampbook.api.{module}")
    for path, method, name, *content_types in routes:
        options: dict[str, Any] = {"methods": [method]}
        if content_types:
            options["content_types"] = content_types[0]
        blueprint.route(path, **options)(_on_first_use(module, name))
    return blueprint


till = _routes(
    "till",
    ("/purchases", "POST", "record_purchase"),
    ("/refunds", "POST", "record_refund"),
    ("/redemptions", "POST", "redeem_reward"),
    ("/certificates/redeem", "POST", "redeem_certificate"),
    ("/customers/{code}", "GET", "look_up"),
)
provider_events = _routes(
    "provider_events",
    ("/events", "POST", "receive", ["text/plain", "application/json"]),
)
subscriptions = _routes(
    "subscriptions",
    ("/subscribe", "POST", "sign_up"),
    ("/subscribe/confirm", "GET", "what_confirming_does"),
    ("/subscribe/confirm", "POST", "confirm_sign_up"),
    ("/unsubscribe", "GET", "what_unsubscribing_does"),
    ("/unsubscribe", "POST", "unsubscribe_by_button"),
    ("/unsubscribe/one-click", "POST", "unsubscribe_in_one_click", list(FORMS)),
)
points = _routes(
    "points",
    ("/points", "POST", "email_a_link"),
    ("/points", "GET", "show"),
)
preferences = _routes(
    "preferences",
    ("/preferences", "GET", "show"),
    ("/preferences", "POST", "change"),
    ("/preferences/export", "POST", "export"),
    ("/preferences/delete", "POST", "delete"),
)
feedback = _routes(
    "feedback",
    ("/feedback", "POST", "answer_questionnaire"),
    ("/feedback/site", "POST", "answer_on_the_site"),
)
# Shopify and Square send JSON; WooCommerce's ping, when a webhook is saved, is a form.
shops = _routes(
    "shops",
    ("/shopify/{shop}", "POST", "from_shopify"),
    ("/woocommerce/{shop}", "POST", "from_woocommerce", ["application/json", FORMS[0]]),
    ("/square/{shop}", "POST", "from_square"),
)

# The modules whose `OPERATIONS` describe these routes in /openapi.json.
DESCRIBED_BY = (
    "till",
    "shops",
    "provider_events",
    "subscriptions",
    "points",
    "preferences",
    "feedback",
)


def import_handlers() -> None:
    """Import every route's handler module now, rather than on the first request to it."""
    for module in DESCRIBED_BY:
        import_module(f"stampbook.api.{module}")
