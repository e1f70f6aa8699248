"""My points: ask by email for a magic link; the link shows the balance and the way ahead.

`POST /points` answers `202` alike for every address; a customer gets an
email with a link that works for half an hour. `GET /points?t=` is what the
site's points page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Response
from pydantic import BaseModel, ConfigDict, Field

from ..mail.strings import Strings
from ..mail.tokens import Purpose
from ..services.limits import Rate
from ..services.my_points import PointsPage, points_page, shown
from ..services.subscriptions import owe_points_link
from ..sitegen.words import site_words
from .body import Body, json_body
from .context import current
from .formats import EMAIL, TOKEN
from .openapi import Operation
from .public import (
    NO_REFERRER,
    address,
    answer,
    caller_ip,
    limit,
    limit_address,
    mailer,
    query_token,
    subject_of,
)
from .refusals import answer_errors
from .routes import points
from .subscriptions import Accepted

PER_IP = Rate("points-ip", 20, 600)
PER_ADDRESS = Rate("points-address", 5, 3600)
LINK_EVERY_SECONDS = 300  # one magic link per address per five minutes


def _email_or_token(schema: dict[str, Any]) -> None:
    """Say in the document what `email_a_link` needs: an address, or a token."""
    schema["anyOf"] = [{"required": ["email"]}, {"required": ["token"]}]


class PointsIn(Body):
    """An address to send the link to; or, from her own page, its link's token: the
    email then comes to her address, with fresh links to her points and settings."""

    model_config = ConfigDict(json_schema_extra=_email_or_token)

    email: str = Field(default="", max_length=254, json_schema_extra={"pattern": EMAIL})
    token: str = Field(default="", max_length=256, json_schema_extra={"pattern": TOKEN})


class TierOut(BaseModel):
    id: str
    name: str


class NextTier(TierOut):
    spend_needed: str  # in the programme's currency, major units


class Expiring(BaseModel):
    points: int
    at: str


class HeldCertificateOut(BaseModel):
    code: str
    value: str
    expires_at: str


class RewardOut(BaseModel):
    id: str
    title: str
    points: int


class EntryOut(BaseModel):
    kind: str
    points: int
    at: str
    order_id: str | None = None


class NextRewardOut(BaseModel):
    title: str
    points_needed: int


class PointsOut(BaseModel):
    name: str
    available: int
    pending: int
    tier: TierOut | None
    next_tier: NextTier | None
    currency: str
    expiring: Expiring | None
    certificates: list[HeldCertificateOut]
    rewards: list[RewardOut]  # affordable now
    history: list[EntryOut]
    progress: float | None = None  # the way to the next tier, 0 to 1
    next_reward: NextRewardOut | None = None
    pending_until: str | None = None
    card_code: str = ""
    referral_url: str = ""
    # The same in the page's words (`Accept-Language`, else the customer's own):
    # numbers grouped, money with its sign, dates on the business's calendar.
    shown: dict[str, Any] = Field(default_factory=dict)


OPERATIONS = [
    Operation(
        "POST",
        "/points",
        "Email me a link to my points (the answer is the same for every address)",
        Accepted,
        PointsIn,
        integration_key=False,
        refusals=(400, 403, 413, 415, 422, 429, 503),
        status=202,
    ),
    Operation(
        "GET",
        "/points",
        "My points, through the emailed link",
        PointsOut,
        integration_key=False,
        refusals=(400, 403, 410, 503),
        query=("t",),
    ),
]


@answer_errors
def email_a_link() -> Response:
    request = points.current_request
    body = json_body(request, PointsIn)
    limit(PER_IP, caller_ip(request))
    app = current()
    if body.token:
        # A show-only link changes nothing, not even by mail: what changes things
        # (the preferences link) goes to the address, never to whoever holds it.
        owner = app.store.customer(subject_of(body.token, Purpose.POINTS, "token"))
        email = owner.email if owner is not None else ""
    else:
        email = address(body.email)
    if not email:
        return answer({"status": "accepted"}, 202)
    limit_address(PER_ADDRESS, email)
    owe_points_link(app.emails, email, LINK_EVERY_SECONDS)
    return answer({"status": "accepted"}, 202)


@answer_errors
def show() -> Response:
    customer_id = subject_of(query_token(points.current_request), Purpose.POINTS)
    app = current()
    customer = app.store.customer(customer_id)
    if customer is None:  # erased since the link was sent
        page = PointsPage.of_nobody(app.loyalty.rules.currency)
        locale = app.programme.programme_file.locales.default
    else:
        locale = _page_locale(points.current_request.headers) or mailer().locale_of(customer)
        page = points_page(app.loyalty, app.programme.programme_file, customer, locale)
    out = page.as_json() | {"shown": shown(page, _words(locale), app.loyalty.rules.timezone)}
    return answer(PointsOut.model_validate(out).model_dump(), headers=NO_REFERRER)


def _page_locale(headers: Mapping[str, str]) -> str | None:
    """The page's language, as its script says (`Accept-Language: en`), if offered."""
    offered = current().programme.programme_file.locales.available
    wanted = (headers.get("accept-language") or "").split(",")[0].split(";")[0].strip()
    return wanted if wanted in offered else None


def _words(locale: str) -> Strings:
    app = current()
    key = (id(app.programme), locale)
    if key not in _WORDS:
        _WORDS[key] = site_words(app.programme, locale)
    return _WORDS[key]


_WORDS: dict[tuple[int, str], Strings] = {}
