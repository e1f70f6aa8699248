"""What the public routes share: signed-link tokens, who is asking, limits, polite answers.

These routes are open to the internet: they answer the same whatever the
address, count requests per IP and per address, keep tokens out of
referrers, and log neither addresses nor tokens.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from chalice.app import Request, Response

from ..mail.tokens import Claim, ExpiredToken, Purpose, TokenError
from ..records.customers import normalise_email
from ..services.limits import Rate, count, mailbox
from ..services.mailer import Mailer
from .context import current
from .errors import JSON, ApiError

# A person fills a public form in well over this; a script posts at once.
MIN_FILL_MS = 3000

# Token pages must not hand their URL (and so the token) to anyone they link to.
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}

_lock = threading.Lock()


def mailer() -> Mailer:
    """The current app's mailer, made once per app (its renderer keeps compiled templates)."""
    app = current()
    with _lock:  # two first requests at once still make one
        return app.mailer


def now() -> datetime:
    return current().loyalty.clock()


def subject_of(token: str | None, purpose: Purpose, field: str = "t") -> str:
    """Whom (or which order) a link token is about, once its signature and expiry check out."""
    return claim_of(token, purpose, field).subject


def claim_of(token: str | None, purpose: Purpose, field: str = "t") -> Claim:
    if not token:
        raise ApiError(400, "token_required", "the link's token is missing", field)
    try:
        return mailer().keyring.verify(token, purpose, now())
    except ExpiredToken:
        raise ApiError(
            410, "expired_token", "this link has expired; ask for a new one", field
        ) from None
    except TokenError:
        # Not signed by us for this purpose: a credential refused, like a wrong key.
        raise ApiError(403, "invalid_token", "this link is not valid", field) from None


def query_token(request: Request) -> str | None:
    params = request.query_params
    return params.get("t") if params is not None else None


def caller_ip(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "")


def user_agent(request: Request) -> str:
    return (request.headers.get("user-agent") or "")[:512]


def limit(rate: Rate, caller: str) -> None:
    count(current().store, rate, caller, now(), mailer().keyring.limits_key())


def limit_address(rate: Rate, email: str) -> None:
    """`limit` for an address: counted on the mailbox it reaches (plus-tags ignored)."""
    limit(rate, mailbox(email))


def is_a_bot(honeypot: str, fill_ms: int) -> bool:
    """A public form with its hidden field filled in, or sent faster than a person types.

    Bots get the form's usual answer and nothing is stored or sent.
    """
    return bool(honeypot) or fill_ms < MIN_FILL_MS


def address(raw: str) -> str:
    """The address as the customer file spells it, or a 422 naming the field."""
    try:
        return normalise_email(raw)
    except ValueError:
        raise ApiError(422, "invalid_email", "not an email address", "email") from None


def offered(locale: str | None, interests: tuple[str, ...] = ()) -> None:
    """A 422 naming the field unless the language and interests are the programme's own."""
    programme_file = current().programme.programme_file
    if locale is not None and locale not in programme_file.locales.available:
        raise ApiError(422, "invalid", "not a language of this newsletter", "locale")
    known = {interest.id for interest in programme_file.interests}
    for number, interest in enumerate(interests):
        if interest not in known:
            field = f"interests.{number}"
            raise ApiError(422, "invalid", "not an interest of this newsletter", field)


def answer(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )
