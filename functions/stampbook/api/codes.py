"""Every code the API's error envelope can carry, in one place.

The envelope's `message` is English, for the developer reading a response;
the customer reads the site, which shows the message for the `code` in the
page's language (`errors.<code>` in `templates/site/locales/`). A test holds
this list, the codes the code can raise and the site's words together, so a
new refusal cannot reach a Russian page in English.

Kept free of imports: the site's build reads it without the API's libraries.
"""

from __future__ import annotations

ERROR_CODES = frozenset(
    {
        # The request itself (the API, Chalice, API Gateway or the local server).
        "bad_request",
        "malformed_json",
        "too_large",
        "unsupported_media_type",
        "method_not_allowed",
        "not_found",
        "request_timeout",
        "address_too_long",
        "headers_too_large",
        "http_version_not_supported",
        "unauthorized",
        "forbidden",
        "conflict",
        "unprocessable",
        "too_many_requests",
        # A field of the body (with `field` set).
        "invalid",
        "invalid_email",
        "terms_required",
        "unknown_referral_code",
        "unknown_category",
        "implausible",
        # Links from emails.
        "token_required",
        "invalid_token",
        "expired_token",
        # The customer file and the till.
        "unknown_customer",
        "idempotency_key_required",
        "idempotency_conflict",
        # The loyalty engine (`LoyaltyError.code`).
        "loyalty_error",
        "wrong_currency",
        "unknown_order",
        "refund_too_large",
        "refund_before_purchase",
        "unknown_reward",
        "not_enough_points",
        "invalid_adjustment",
        "certificate_not_usable",
        # A web shop's webhook, before program.yaml has a `shops` section.
        "shops_not_set_up",
        # Our side.
        "unavailable",
        "internal",
    }
)

# Codes about the email link the page was opened from: the page offers a new link.
LINK_CODES = ("token_required", "invalid_token", "expired_token")
