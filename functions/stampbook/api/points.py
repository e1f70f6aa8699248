"""My points: ask by email for a magic link; the link shows the balance and the way ahead.

`POST /points` answers `202` alike for every address; a customer gets an
email with a link that works for half an hour. `GET /points?t=` is what the
site's points page shows.
"""

from __future__ import annotations

from chalice.app import Response
from pydantic import BaseModel, Field

from ..mail.tokens import Purpose
from ..services.limits import Rate, once_per
from ..services.my_points import PointsPage, points_page
from .body import Body, json_body
from .context import current
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


class PointsIn(Body):
    email: str = Field(max_length=254)


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


OPERATIONS = [
    Operation(
        "POST",
        "/points",
        "Email me a link to my points (the answer is the same for every address)",
        Accepted,
        PointsIn,
        integration_key=False,
        refusals=(400, 413, 415, 422, 429, 503),
        status=202,
    ),
    Operation(
        "GET",
        "/points",
        "My points, through the emailed link",
        PointsOut,
        integration_key=False,
        refusals=(400, 410, 503),
        query=("t",),
    ),
]


@answer_errors
def email_a_link() -> Response:
    request = points.current_request
    body = json_body(request, PointsIn)
    limit(PER_IP, caller_ip(request))
    email = address(body.email)
    limit_address(PER_ADDRESS, email)
    app = current()
    customer = app.store.customer_by_email(email)
    sender = mailer()
    if customer is not None and once_per(
        app.store,
        "points-mail",
        email,
        LINK_EVERY_SECONDS,
        app.loyalty.clock(),
        sender.keyring.limits_key(),
    ):
        sender.send("your_points", customer, sender.reader(customer))
    return answer({"status": "accepted"}, 202)


@answer_errors
def show() -> Response:
    customer_id = subject_of(query_token(points.current_request), Purpose.POINTS)
    app = current()
    customer = app.store.customer(customer_id)
    if customer is None:  # erased since the link was sent
        page = PointsPage.of_nobody(app.loyalty.rules.currency)
    else:
        locale = mailer().locale_of(customer)
        page = points_page(app.loyalty, app.programme.programme_file, customer, locale)
    return answer(PointsOut.model_validate(page.as_json()).model_dump(), headers=NO_REFERRER)
